import ArgumentParser
import Catalog
import Foundation

/// `loupe infer`: a text's or an image's embedding, and an image classifier's top classes,
/// from a registered model; nothing is stored.
struct InferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Embed a text or an image with a model (and classify the image); stores nothing.")

    @Option(help: "The model's name (`loupe serve` lists them at /v1/models) or a Hugging Face model folder's path.")
    var model: String

    @Option(help: "The text to embed.")
    var text: String?

    @Option(help: "An image file (JPEG, PNG, WebP) to embed and classify.")
    var image: String?

    @Option(help: "How many classes to print for an image.")
    var top = 5

    @Flag(help: "Print JSON: model, dimensions, embedding, classes.")
    var json = false

    func validate() throws {
        guard (text == nil) != (image == nil) else { throw ValidationError("give exactly one of --text and --image") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be in 1…1000") }
    }

    func run() async throws {
        try await reportingCatalogErrors {
            let model = try await CLIModels.registry().model(model)
            var embedding: [Float]
            var classes: [ClassScore]?
            if let text {
                embedding = try await model.embed(texts: [text]).first ?? []
            } else if let image {
                guard let data = FileManager.default.contents(atPath: image) else {
                    throw CatalogError(.io, "cannot read the image '\(image)'")
                }
                let bytes = [UInt8](data)
                embedding = try await model.embed(images: [bytes]).first ?? []
                classes = try? await model.classify(images: [bytes], top: top).first
            } else {
                embedding = []
            }
            let result = InferResult(model: model.name, dimensions: embedding.count, embedding: embedding, classes: classes)
            if json {
                print(String(decoding: try CLIJSON.encoder.encode(result), as: UTF8.self))
            } else {
                var lines = ["\(model.name): \(embedding.count) dimensions, norm \(String(format: "%.4f", embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()))"]
                lines.append("[" + embedding.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: ", ") + (embedding.count > 8 ? ", …]" : "]"))
                for score in classes ?? [] { lines.append(String(format: "%6.2f%%  ", score.probability * 100) + score.className) }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct InferResult: Encodable {
        var model: String
        var dimensions: Int
        var embedding: [Float]
        var classes: [ClassScore]?
    }
}
