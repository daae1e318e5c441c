import Synchronization
import VectorMath

/// What the catalog knows about a model before loading it.
public struct ModelDescriptor: Sendable, Hashable, Codable {
    public var name: String
    public var dimensions: Int
    public var metric: Metric
    public var mediaTypes: Set<MediaType>
    /// One line about it (for `GET /v1/models`).
    public var summary: String

    public init(name: String, dimensions: Int, metric: Metric, mediaTypes: Set<MediaType>, summary: String = "") {
        self.name = name
        self.dimensions = dimensions
        self.metric = metric
        self.mediaTypes = mediaTypes
        self.summary = summary
    }
}

/// The models a catalog may use, by name. Each is loaded on first use (weights are large) and
/// kept; a load that fails is retried at the next use.
public final class ModelRegistry: Sendable {
    /// Loads a model; called at most once at a time per model.
    public typealias Loader = @Sendable () async throws -> any EmbeddingModel

    private struct Entry: Sendable {
        var descriptor: ModelDescriptor
        var load: Loader
    }

    private let entries: [String: Entry]
    private let loaded = Mutex<[String: any EmbeddingModel]>([:])
    private let loading = LoadGate()

    /// A registry of models loaded lazily.
    public init(_ models: [(ModelDescriptor, Loader)] = []) {
        var entries: [String: Entry] = [:]
        for (descriptor, load) in models { entries[descriptor.name] = Entry(descriptor: descriptor, load: load) }
        self.entries = entries
    }

    /// A registry of models already loaded.
    public convenience init(loaded models: [any EmbeddingModel]) {
        self.init(models.map { model in
            (ModelDescriptor(name: model.name, dimensions: model.dimensions, metric: model.metric, mediaTypes: model.mediaTypes),
             { model })
        })
    }

    /// Every registered model, by name.
    public var descriptors: [ModelDescriptor] { entries.values.map(\.descriptor).sorted { $0.name < $1.name } }

    /// The descriptor of `name`.
    /// - Throws: `notFound` listing the registered models.
    public func descriptor(_ name: String) throws -> ModelDescriptor {
        guard let entry = entries[name] else { throw unknown(name) }
        return entry.descriptor
    }

    /// The model `name`, loading it on first use.
    /// - Throws: `notFound`, or the loader's error.
    public func model(_ name: String) async throws -> any EmbeddingModel {
        guard let entry = entries[name] else { throw unknown(name) }
        if let model = loaded.withLock({ $0[name] }) { return model }
        return try await loading.run(name) { [self] in
            if let model = self.loaded.withLock({ $0[name] }) { return model }
            let model = try await entry.load()
            guard model.dimensions == entry.descriptor.dimensions else {
                throw CatalogError(.dimensionMismatch, "model '\(name)' produced \(model.dimensions)-d vectors; its descriptor says \(entry.descriptor.dimensions)")
            }
            self.loaded.withLock { $0[name] = model }
            return model
        }
    }

    private func unknown(_ name: String) -> CatalogError {
        let known = entries.keys.sorted()
        return CatalogError(.notFound, "no model named '\(name)'" + (known.isEmpty ? " (no models are registered)" : "; known: \(known.joined(separator: ", "))"))
    }
}

/// Serialises loads per model name, so two first uses do not load the weights twice.
private actor LoadGate {
    private var running: [String: Task<any EmbeddingModel, any Error>] = [:]

    func run(_ name: String, _ body: @escaping @Sendable () async throws -> any EmbeddingModel) async throws -> any EmbeddingModel {
        if let task = running[name] { return try await task.value }
        let task = Task { try await body() }
        running[name] = task
        defer { running[name] = nil }
        return try await task.value
    }
}
