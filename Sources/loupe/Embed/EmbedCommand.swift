import ArgumentParser
import Catalog
import Foundation

/// `loupe embed`: compute embeddings with a built-in model, either for files (to NDJSON or `.npy`)
/// or for a catalog space (the space's background job, run in the foreground).
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed a folder or a file of texts/images to NDJSON or .npy, or fill a model-backed space.",
        discussion: """
            loupe embed --model minilm glosses.txt -o glosses.ndjson        one text a line (or .ndjson with "text")
            loupe embed --model conse-minilm photos/ -o photos.npy          images and .txt files, ids = relative paths
            loupe embed --dataset fashion --space pictures                  a model-backed space's missing vectors
            Models: minilm (texts), efficientnet-lite0 (images), conse-minilm (images, searchable by words), or
            the path of a Hugging Face folder (CLIP: images and texts; ResNet: images; BERT sentence encoder: texts).
            """)

    @Option(help: "The model for files: minilm, efficientnet-lite0, conse-minilm, or a Hugging Face model folder's path.")
    var model: String?

    @Argument(help: "A folder (images and .txt files) or a text file (one text a line, or .ndjson/.jsonl with \"text\").")
    var input: String?

    @Option(name: .shortAndLong, help: "The output: .ndjson (id + vector a line) or .npy (with NAME.ids.txt beside it).")
    var output: String?

    @Option(help: "Items per model call.")
    var batchSize = 32

    @Option(help: "Fill this dataset's --space instead of embedding files.")
    var dataset: String?

    @Option(help: "The model-backed space to fill (with --dataset).")
    var space: String?

    @OptionGroup var options: CatalogOptions

    func validate() throws {
        if dataset != nil || space != nil {
            guard dataset != nil, space != nil, input == nil, model == nil else {
                throw ValidationError("a space is filled with --dataset and --space only (its model is the space's)")
            }
        } else {
            guard model != nil, input != nil, output != nil else {
                throw ValidationError("embedding files needs --model, an input and -o OUTPUT")
            }
        }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() async throws {
        if let dataset, let space {
            try await fillSpace(space, in: dataset)
        } else if let model, let input, let output {
            try await embedFiles(model: model, input: input, output: output)
        }
    }

    /// Runs a space's embedding job to the end, showing its progress.
    private func fillSpace(_ space: String, in dataset: String) async throws {
        let catalog = try await options.open(runsJobs: true)
        var job = try await catalog.computeEmbeddings(space: space, in: dataset)
        let bar = ProgressBar("embedding \(space)", enabled: !options.json && isatty(2) != 0)
        while !job.state.isFinished {
            bar.handler?(ImportProgress(done: job.done, total: job.total, stored: job.done - job.failedItems, rejected: job.failedItems))
            try await Task.sleep(for: .milliseconds(500))
            job = try await catalog.job(job.id)
        }
        bar.finish()
        await catalog.close()
        try options.output(job) {
            "job \(job.id): \(job.state.rawValue), \(job.done) of \(job.total) rows, \(job.failedItems) failed" + (job.error.map { ": \($0)" } ?? "")
        }
        if job.state != .succeeded { throw ExitCode(1) }
    }

    /// Embeds the files of `input` with `model` into `output`.
    private func embedFiles(model name: String, input: String, output: String) async throws {
        let model = try await CLIModels.registry().model(name)
        let inputURL = URL(fileURLWithPath: input)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inputURL.path, isDirectory: &isDirectory) else {
            throw CLIError("\(input) does not exist")
        }
        let items = isDirectory.boolValue ? try EmbeddingInput.folder(inputURL) : try EmbeddingInput.textFile(inputURL)
        guard !items.isEmpty else { throw CLIError("\(input) has nothing to embed (images: jpg, png, webp; texts: txt, md)") }

        let outputURL = URL(fileURLWithPath: output)
        let writer: any EmbeddingWriter = outputURL.pathExtension.lowercased() == "npy"
            ? try NPYEmbeddingWriter(destination: outputURL) : try NDJSONEmbeddingWriter(destination: outputURL)
        let bar = ProgressBar("embedding", enabled: !options.json && isatty(2) != 0)
        var failures: [String] = []
        var done = 0
        let start = Date()
        for batchStart in stride(from: 0, to: items.count, by: batchSize) {
            let batch = Array(items[batchStart..<min(batchStart + batchSize, items.count)])
            let vectors = try await embed(batch, with: model, failures: &failures)
            for (item, vector) in zip(batch, vectors) {
                if let vector { try writer.write(id: item.id, vector: vector) }
            }
            done += batch.count
            bar.handler?(ImportProgress(done: done, total: items.count, stored: done - failures.count, rejected: failures.count))
        }
        try writer.finish()
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        for failure in failures.prefix(20) { FileHandle.standardError.write(Data("skipped \(failure)\n".utf8)) }
        let summary = EmbedSummary(
            model: name, dimensions: model.dimensions, embedded: items.count - failures.count, skipped: failures.count,
            output: output, seconds: seconds)
        try options.output(summary) {
            "\(summary.embedded) embedded (\(summary.dimensions)-d, \(name)) into \(output) in "
                + String(format: "%.1f s (%.1f/s)", seconds, Double(summary.embedded) / max(seconds, 1e-9))
                + (failures.isEmpty ? "" : "; \(failures.count) skipped")
        }
    }

    /// One batch: texts and images go to the model separately; an image that cannot be decoded
    /// is retried alone so that one bad file skips only itself (and is reported).
    private func embed(_ batch: [EmbeddingInput], with model: any EmbeddingModel, failures: inout [String]) async throws -> [[Float]?] {
        var vectors = [[Float]?](repeating: nil, count: batch.count)
        let texts = batch.indices.compactMap { index -> (Int, String)? in
            if case .text(_, let text) = batch[index] { return (index, text) }
            return nil
        }
        if !texts.isEmpty {
            guard model.acceptsTextQueries else { throw CLIError("model '\(model.name)' does not embed texts") }
            for (position, vector) in try await model.embed(texts: texts.map(\.1)).enumerated() { vectors[texts[position].0] = vector }
        }
        let images = batch.indices.compactMap { index -> (Int, URL)? in
            if case .image(_, let file) = batch[index] { return (index, file) }
            return nil
        }
        if !images.isEmpty {
            guard model.acceptsImageQueries else { throw CLIError("model '\(model.name)' does not embed images") }
            var readable: [(Int, [UInt8])] = []
            for (index, file) in images {
                if let bytes = FileManager.default.contents(atPath: file.path) { readable.append((index, [UInt8](bytes))) } else {
                    failures.append("\(batch[index].id): unreadable")
                }
            }
            for ((index, _), result) in zip(readable, try await model.embedEach(images: readable.map(\.1))) {
                switch result {
                case .success(let vector): vectors[index] = vector
                case .failure(let error): failures.append("\(batch[index].id): \(error.message)")
                }
            }
        }
        return vectors
    }
}

/// What `loupe embed --json` prints for files.
struct EmbedSummary: Encodable {
    let model: String
    let dimensions: Int
    let embedded: Int
    let skipped: Int
    let output: String
    let seconds: Double
}
