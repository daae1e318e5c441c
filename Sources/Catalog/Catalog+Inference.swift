import Foundation

extension Catalog {
    /// The models this catalog can use.
    public var models: [ModelDescriptor] { configuration.models.descriptors }

    /// Embeds texts with a model, storing nothing.
    public func embed(texts: [String], model: String) async throws -> [[Float]] {
        let model = try await configuration.models.model(model)
        guard model.acceptsTextQueries else { throw CatalogError(.unsupported, "model '\(model.name)' does not embed texts") }
        return try await model.embed(texts: texts)
    }

    /// Embeds encoded images with a model, storing nothing.
    public func embed(images: [[UInt8]], model: String) async throws -> [[Float]] {
        let model = try await configuration.models.model(model)
        guard model.acceptsImageQueries else { throw CatalogError(.unsupported, "model '\(model.name)' does not embed images") }
        return try await model.embed(images: images)
    }

    /// The top classes of encoded images by an image classifier, storing nothing.
    public func classify(images: [[UInt8]], model: String, top: Int = 5) async throws -> [[ClassScore]] {
        guard (1...1000).contains(top) else { throw CatalogError.invalid("top must be in 1...1000 (got \(top))") }
        return try await configuration.models.model(model).classify(images: images, top: top)
    }
}
