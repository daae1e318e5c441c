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
/// kept; a load that fails is retried at the next use. Names the registry was not built with go
/// to its resolver (the built-in registry's resolves model folders by path, see `FolderModels`),
/// and what it resolves is remembered.
public final class ModelRegistry: Sendable {
    /// Loads a model; called at most once at a time per model.
    public typealias Loader = @Sendable () async throws -> any EmbeddingModel
    /// The descriptor and loader for a name not registered up front, or `nil` for none.
    public typealias Resolver = @Sendable (String) throws -> (ModelDescriptor, Loader)?

    private struct Entry: Sendable {
        var descriptor: ModelDescriptor
        var load: Loader
    }

    private let entries: Mutex<[String: Entry]>
    private let resolver: Resolver?
    private let loaded = Mutex<[String: any EmbeddingModel]>([:])
    private let loading = LoadGate()

    /// A registry of models loaded lazily, with `resolver` for other names.
    public init(_ models: [(ModelDescriptor, Loader)] = [], resolver: Resolver? = nil) {
        var entries: [String: Entry] = [:]
        for (descriptor, load) in models { entries[descriptor.name] = Entry(descriptor: descriptor, load: load) }
        self.entries = Mutex(entries)
        self.resolver = resolver
    }

    /// A registry of models already loaded.
    public convenience init(loaded models: [any EmbeddingModel]) {
        self.init(models.map { model in
            (ModelDescriptor(name: model.name, dimensions: model.dimensions, metric: model.metric, mediaTypes: model.mediaTypes),
             { model })
        })
    }

    /// Every registered model and every one resolved so far, by name.
    public var descriptors: [ModelDescriptor] {
        Set(entries.withLock { $0.values.map(\.descriptor) }).sorted { $0.name < $1.name }
    }

    /// The descriptor of `name`.
    /// - Throws: `notFound` listing the registered models, or the resolver's error.
    public func descriptor(_ name: String) throws -> ModelDescriptor {
        try entry(name).descriptor
    }

    /// The model `name`, loading it on first use.
    /// - Throws: `notFound`, or the resolver's or loader's error.
    public func model(_ name: String) async throws -> any EmbeddingModel {
        let entry = try entry(name)
        let key = entry.descriptor.name
        if let model = loaded.withLock({ $0[key] }) { return model }
        return try await loading.run(key) { [self] in
            if let model = self.loaded.withLock({ $0[key] }) { return model }
            let model = try await entry.load()
            guard model.dimensions == entry.descriptor.dimensions else {
                throw CatalogError(.dimensionMismatch, "model '\(name)' produced \(model.dimensions)-d vectors; its descriptor says \(entry.descriptor.dimensions)")
            }
            self.loaded.withLock { $0[key] = model }
            return model
        }
    }

    /// The entry of `name`: registered, resolved before, or resolved now (and kept under both
    /// `name` and the descriptor's name).
    private func entry(_ name: String) throws -> Entry {
        if let entry = entries.withLock({ $0[name] }) { return entry }
        guard let resolved = try resolver?(name) else { throw unknown(name) }
        let entry = Entry(descriptor: resolved.0, load: resolved.1)
        return entries.withLock { entries in
            let kept = entries[entry.descriptor.name] ?? entry
            entries[name] = kept
            entries[kept.descriptor.name] = kept
            return kept
        }
    }

    private func unknown(_ name: String) -> CatalogError {
        let known = Set(entries.withLock { $0.values.map(\.descriptor.name) }).sorted()
        let folders = resolver == nil ? "" : " (or a Hugging Face model folder's path)"
        return CatalogError(
            .notFound,
            "no model named '\(name)'" + (known.isEmpty ? " (no models are registered)" : "; known: \(known.joined(separator: ", "))\(folders)"))
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
