import ArgumentParser
import Catalog
import Foundation
import VectorMath

/// `loupe bench conse`: how well words find pictures through a model with a text side (ConSE by
/// default). Every category folder of openclipart becomes a query from its name ("big cats",
/// "flowers", "vehicles") and each skimage photo one from its caption ("a cat"); the pictures are
/// ranked by cosine to the query, and precision@k is reported beside a random ranking's
/// (relevant / corpus size). One JSON line per query and a summary line on standard output; a
/// table on standard error.
struct ConSEBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conse",
        abstract: "Measure text-to-image search (precision@k against a random ranking) on openclipart and skimage pictures.")

    @Option(help: "The openclipart PNG folder (Debian openclipart-png).")
    var clipart = "/usr/share/openclipart/png"

    @Option(help: "The skimage data folder with the photos (Debian python3-skimage); an empty string leaves them out.")
    var photos = "/usr/lib/python3/dist-packages/skimage/data"

    @Option(help: "The model: one that embeds images and texts into one space.")
    var model = "conse-minilm"

    @Option(help: "Pictures taken from each folder (the first by name).")
    var perFolder = 60

    @Option(help: "Smallest category (pictures, sub-folders included) that becomes a query.")
    var minimumPictures = 10

    @Option(help: "The query made from a category name: {} is the name.")
    var template = "{}"

    @Option(help: "The k of precision@k.")
    var k = 10

    @Option(help: "Images per model call.")
    var batchSize = 32

    func validate() throws {
        guard perFolder >= 1, minimumPictures >= 1, k >= 1, batchSize >= 1 else {
            throw ValidationError("--per-folder, --minimum-pictures, --k and --batch-size must be at least 1")
        }
        guard template.contains("{}") else { throw ValidationError("--template must contain {} for the category name") }
    }

    func run() async throws {
        let corpus = try ConSECorpus(
            clipart: URL(fileURLWithPath: clipart, isDirectory: true),
            photos: photos.isEmpty ? nil : URL(fileURLWithPath: photos, isDirectory: true),
            perFolder: perFolder, minimumPictures: minimumPictures, template: template)
        let model = try await CLIModels.registry().model(model)
        guard model.acceptsImageQueries, model.acceptsTextQueries else {
            throw ValidationError("model '\(model.name)' must embed both images and texts")
        }
        log("\(model.name): \(corpus.pictures.count) pictures, \(corpus.queries.count) queries")

        let start = Date()
        var vectors: [Float] = [], folders: [String] = [], skipped = 0
        for batchStart in stride(from: 0, to: corpus.pictures.count, by: batchSize) {
            let batch = corpus.pictures[batchStart..<min(batchStart + batchSize, corpus.pictures.count)]
            let bytes = batch.map { [UInt8](FileManager.default.contents(atPath: $0.file.path) ?? Data()) }
            for (picture, result) in zip(batch, try await model.embedEach(images: bytes)) {
                switch result {
                case .success(let vector):
                    vectors += Vectors.normalized(vector)
                    folders.append(picture.folder)
                case .failure(let error):
                    skipped += 1
                    log("skipped \(picture.file.path): \(error.message)")
                }
            }
            log("embedded \(folders.count + skipped)/\(corpus.pictures.count)")
        }
        let embedSeconds = Date().timeIntervalSince(start)
        let queryVectors = try await model.embed(texts: corpus.queries.map(\.text)).map(Vectors.normalized)
        let results = zip(corpus.queries, queryVectors).map { query, vector in
            ConSEQueryResult(query: query, queryVector: vector, vectors: vectors, dimensions: model.dimensions, folders: folders, k: k)
        }
        report(results, pictures: folders.count, skipped: skipped, embedSeconds: embedSeconds, model: model.name)
    }

    private func report(_ results: [ConSEQueryResult], pictures: Int, skipped: Int, embedSeconds: Double, model: String) {
        func cell(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        log(cell("query (folder)", 52, left: true) + cell("relevant", 9) + cell("P@\(k)", 7) + cell("random", 8) + cell("AP", 7) + cell("first", 7))
        for result in results {
            log(cell("\(result.query.text) (\(result.query.folder))", 52, left: true) + cell(String(result.relevant), 9)
                + cell(String(format: "%.3f", result.precisionAtK), 7) + cell(String(format: "%.3f", result.randomPrecisionAtK), 8)
                + cell(String(format: "%.3f", result.averagePrecision), 7) + cell(String(result.firstRelevantRank), 7))
            var line = JSONLine()
            line.add("kind", result.query.kind.rawValue)
            line.add("query", result.query.text)
            line.add("folder", result.query.folder)
            line.add("relevant", result.relevant)
            line.add("precision_at_k", result.precisionAtK)
            line.add("random_precision_at_k", result.randomPrecisionAtK)
            line.add("average_precision", result.averagePrecision)
            line.add("first_relevant_rank", result.firstRelevantRank)
            print(line.text)
        }
        let categories = results.filter { $0.query.kind == .category }
        let photos = results.filter { $0.query.kind == .photo }
        var summary = JSONLine()
        summary.add("kind", "summary")
        summary.add("model", model)
        summary.add("k", k)
        summary.add("pictures", pictures)
        summary.add("skipped", skipped)
        summary.add("embed_seconds", embedSeconds, digits: 1)
        summary.add("category_queries", categories.count)
        summary.add("category_mean_precision_at_k", Self.mean(categories.map(\.precisionAtK)))
        summary.add("category_mean_random_precision_at_k", Self.mean(categories.map(\.randomPrecisionAtK)))
        summary.add("category_mean_average_precision", Self.mean(categories.map(\.averagePrecision)))
        summary.add("photo_queries", photos.count)
        summary.add("photo_hit_at_1", Self.mean(photos.map { $0.firstRelevantRank == 1 ? 1 : 0 }))
        summary.add("photo_hit_at_k", Self.mean(photos.map { $0.firstRelevantRank <= k ? 1 : 0 }))
        summary.add("photo_random_hit_at_k", pictures == 0 ? nil : min(1, Double(k) / Double(pictures)))
        summary.add("photo_mean_reciprocal_rank", Self.mean(photos.map { 1 / Double($0.firstRelevantRank) }))
        print(summary.text)
        log(summary.text)
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
