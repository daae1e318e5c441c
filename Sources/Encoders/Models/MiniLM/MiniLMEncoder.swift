import Foundation
import NeuralNet
import Tokenizers

/// Sentence embeddings as sentence-transformers computes them for all-MiniLM-L6-v2 (and any
/// BERT sentence-transformers folder with mean or CLS pooling): BERT WordPiece ids (at most
/// `maxLength`, 256 for all-MiniLM-L6-v2), `BertModel`'s last hidden states, mean pooling over the
/// tokens, L2 normalisation.
///
/// **Batching.** `embed` tokenises every text (on `Parallel`'s workers), sorts the texts by token
/// count, longest first, and cuts batches of at most `batchSize` texts and `batchTokenLimit`
/// tokens. A batch is packed end to end (`SequenceLayout`), so no padding is computed at all —
/// sorting only keeps each batch's attention work even and its scratch memory bounded. Batches
/// run side by side, one per worker (`Parallel.forEachIndependentTask`: single-threaded ops and
/// OpenBLAS inside a batch, so the cores never wait for each other); a single batch uses all
/// threads inside its ops instead. Each worker's activations live in scratch buffers allocated
/// once per call and reused by every layer and batch. Results come back in the order of the texts.
///
/// Immutable and `Sendable`: share one encoder between threads.
public struct MiniLMEncoder: TextEncoder {
    /// How token states become one vector (sentence-transformers' `1_Pooling/config.json`).
    public enum PoolingMode: Sendable, Equatable {
        /// The mean over the text's tokens, `[CLS]` and `[SEP]` included.
        case mean
        /// The `[CLS]` token's state.
        case classToken
    }

    /// The BERT encoder.
    public let model: BertModel
    /// The WordPiece tokenizer, truncating at `maxLength`.
    public let tokenizer: BertTokenizer
    /// How token states become one vector.
    public let pooling: PoolingMode
    /// The most texts in one forward pass.
    public let batchSize: Int
    /// The most tokens in one forward pass (a single longer text still forms its own batch).
    public let batchTokenLimit: Int

    /// The embedding width (384 for all-MiniLM-L6-v2).
    public var dimensions: Int { model.configuration.hiddenSize }
    /// The most token ids of one text, `[CLS]` and `[SEP]` included; longer texts are truncated.
    public var maxLength: Int { tokenizer.options.maxLength }

    /// An encoder from a loaded model and tokenizer.
    /// - Throws: `NeuralNetError` `.badConfiguration` if the tokenizer allows more ids than the
    ///   model has positions, or its vocabulary is larger than the model's.
    public init(
        model: BertModel, tokenizer: BertTokenizer, pooling: PoolingMode = .mean, batchSize: Int = 32, batchTokenLimit: Int = 4_096
    ) throws {
        guard tokenizer.options.maxLength <= model.configuration.maxPositions else {
            throw NeuralNetError(
                .badConfiguration,
                "the tokenizer allows \(tokenizer.options.maxLength) ids but the model has \(model.configuration.maxPositions) positions")
        }
        guard tokenizer.vocabularySize <= model.configuration.vocabularySize else {
            throw NeuralNetError(
                .badConfiguration,
                "the tokenizer has \(tokenizer.vocabularySize) ids but the model's vocabulary has \(model.configuration.vocabularySize)")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.pooling = pooling
        self.batchSize = max(1, batchSize)
        self.batchTokenLimit = max(1, batchTokenLimit)
    }

    /// Loads a sentence-transformers (or plain Hugging Face BERT) folder: `config.json`,
    /// `model.safetensors`, `vocab.txt` (or else `tokenizer.json`, whose `truncation` and
    /// `padding` are ignored), `sentence_bert_config.json`'s `max_seq_length` (else the model's
    /// position count) and `1_Pooling/config.json` (else mean pooling). The model cache's
    /// `all-MiniLM-L6-v2` folder (`loupe models fetch`) is one.
    /// - Throws: `NeuralNetError` or `TokenizerError` naming the file, key or tensor at fault.
    public init(folder: URL, batchSize: Int = 32) throws {
        let model = try BertModel(folder: folder)
        let fileManager = FileManager.default
        var maxLength = model.configuration.maxPositions
        let sentenceConfig = folder.appendingPathComponent("sentence_bert_config.json")
        if fileManager.fileExists(atPath: sentenceConfig.path) {
            maxLength = try ConfigurationObject(url: sentenceConfig).positiveInt("max_seq_length", default: maxLength)
        }
        maxLength = min(maxLength, model.configuration.maxPositions)
        let tokenizer: BertTokenizer
        let vocabulary = folder.appendingPathComponent("vocab.txt")
        let tokenizerJSON = folder.appendingPathComponent("tokenizer.json")
        if fileManager.fileExists(atPath: vocabulary.path) {
            var options = BertTokenizer.Options()
            options.maxLength = maxLength
            tokenizer = try BertTokenizer(vocabularyFile: vocabulary, options: options)
        } else if fileManager.fileExists(atPath: tokenizerJSON.path) {
            tokenizer = try BertTokenizer(tokenizerJSON: tokenizerJSON, maxLength: maxLength)
        } else {
            throw NeuralNetError(.unreadableFile, "'\(folder.path)' has neither vocab.txt nor tokenizer.json")
        }
        try self.init(model: model, tokenizer: tokenizer, pooling: Self.pooling(in: folder), batchSize: batchSize)
    }

    /// The pooling that `1_Pooling/config.json` asks for (mean when the file is absent).
    static func pooling(in folder: URL) throws -> PoolingMode {
        let url = folder.appendingPathComponent("1_Pooling/config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return .mean }
        let config = try ConfigurationObject(url: url)
        if try config.bool("pooling_mode_mean_tokens", default: false) { return .mean }
        if try config.bool("pooling_mode_cls_token", default: false) { return .classToken }
        throw NeuralNetError(.badConfiguration, "'\(url.path)' asks for a pooling other than mean or CLS, which is not supported")
    }

    /// The unit-length embeddings of `texts`, in order.
    /// - Throws: `NeuralNetError` if the model cannot run (never for any text: every text has ids).
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let width = dimensions
        var flat = [Float](repeating: 0, count: texts.count * width)
        try flat.withUnsafeMutableBufferPointer { try embed(texts, into: $0) }
        return (0..<texts.count).map { Array(flat[$0 * width..<($0 + 1) * width]) }
    }

    /// Writes the unit-length embeddings of `texts` into `output` (`texts.count × dimensions`
    /// floats, row-major): the allocation-free form of `embed(_:)`.
    public func embed(_ texts: [String], into output: UnsafeMutableBufferPointer<Float>) throws {
        try embed(tokenIDs: tokenize(texts), into: output)
    }

    /// The ids of each text (`[CLS]` … `[SEP]`, truncated to `maxLength`), tokenised in parallel.
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        var ids = [[Int32]](repeating: [], count: texts.count)
        ids.withUnsafeMutableBufferPointer { ids in
            // Each chunk writes only its own elements.
            Parallel.forEachChunk(texts.count, minimumChunk: 64) { range in
                for index in range { ids[index] = tokenizer.encode(texts[index]) }
            }
        }
        return ids
    }

    /// Embeds texts already turned into ids (each at most `maxLength`, as `tokenize` gives them)
    /// into `output` (`tokenIDs.count × dimensions` floats).
    /// - Throws: `NeuralNetError` `.invalidInput` for a sequence longer than the position table or
    ///   an id outside the vocabulary, `.shapeMismatch` when `output` has the wrong size.
    public func embed(tokenIDs: [[Int32]], into output: UnsafeMutableBufferPointer<Float>) throws {
        try run(tokenIDs, positions: nil, into: output)
    }

    /// The unit-length embeddings of a padded batch (`BertTokenizer.encode(batch:)`, or ids and an
    /// attention mask from elsewhere), as a Hugging Face model run on `input_ids` and
    /// `attention_mask` gives them: masked tokens are neither attended to nor pooled, and every
    /// token keeps its column as its position.
    /// - Throws: `NeuralNetError` `.invalidInput` for a bad id or a row longer than the position table.
    public func embed(batch: TokenBatch) throws -> [[Float]] {
        var ids: [[Int32]] = []
        var positions: [[Int32]] = []
        for row in 0..<batch.count {
            let mask = batch.attentionMask(row: row)
            let columns = mask.indices.filter { mask[$0] != 0 }
            let start = mask.startIndex
            ids.append(columns.map { batch.inputIDs[$0] })
            positions.append(columns.map { Int32($0 - start) })
        }
        let width = dimensions
        var flat = [Float](repeating: 0, count: batch.count * width)
        try flat.withUnsafeMutableBufferPointer { try run(ids, positions: positions, into: $0) }
        return (0..<batch.count).map { Array(flat[$0 * width..<($0 + 1) * width]) }
    }

    /// Batches, runs, pools and normalises; `positions` nil means 0, 1, 2, … in every sequence.
    private func run(_ tokenIDs: [[Int32]], positions: [[Int32]]?, into output: UnsafeMutableBufferPointer<Float>) throws {
        let width = dimensions
        guard output.count == tokenIDs.count * width, let target = output.baseAddress else {
            guard tokenIDs.isEmpty else {
                throw NeuralNetError(.shapeMismatch, "\(tokenIDs.count) texts need \(tokenIDs.count * width) output floats, got \(output.count)")
            }
            return
        }
        let positionLimit = model.configuration.maxPositions
        if let long = tokenIDs.indices.first(where: { tokenIDs[$0].count > positionLimit || positions?[$0].contains { $0 >= positionLimit } == true }) {
            throw NeuralNetError(
                .invalidInput, "text \(long) reaches past position \(positionLimit), the most the model takes")
        }
        if pooling == .classToken, let empty = tokenIDs.firstIndex(where: \.isEmpty) {
            throw NeuralNetError(.invalidInput, "text \(empty) has no ids, so it has no [CLS] state to pool")
        }
        let lengths = tokenIDs.map(\.count)
        let batches = LengthBatches.cut(lengths: lengths, size: batchSize, tokenLimit: batchTokenLimit)
        let capacity = LengthBatches.largest(batches, lengths: lengths)
        // Batches run side by side, one per worker, each with its own scratch; each writes only
        // its own texts' rows of the output.
        let scratches = (0..<Parallel.workers(for: batches.count)).map { _ in
            TransformerScratch(tokens: capacity, width: width, intermediate: model.configuration.intermediateSize, sequences: batchSize)
        }
        try Parallel.forEachIndependentTask(batches.count) { worker, index in
            let batch = batches[index]
            let scratch = scratches[worker]
            let layout = SequenceLayout(lengths: batch.map { tokenIDs[$0].count })
            try model.forward(
                ids: batch.flatMap { tokenIDs[$0] }, positions: positions.map { positions in batch.flatMap { positions[$0] } },
                layout: layout, scratch: scratch, into: scratch.hidden.pointer)
            switch pooling {
            case .mean:
                Pooling.mean(scratch.hidden.pointer, layout: layout, width: width, into: scratch.pooled.pointer)
            case .classToken:
                Pooling.select(
                    scratch.hidden.pointer, layout: layout, positions: Array(repeating: 0, count: batch.count), width: width,
                    into: scratch.pooled.pointer)
            }
            for (row, text) in batch.enumerated() {
                (target + text * width).update(from: scratch.pooled.pointer + row * width, count: width)
            }
        }
        Pooling.normalizeRows(target, rows: tokenIDs.count, width: width)
    }
}
