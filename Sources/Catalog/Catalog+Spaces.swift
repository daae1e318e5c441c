import Foundation
import VectorMath

extension Catalog {
    /// Creates an embedding space in a dataset. A model-backed space takes its dimensions and
    /// metric from the model's descriptor (given ones must agree).
    /// - Throws: `invalidArgument` (dimensions outside 1...4096, a bad name or index setting),
    ///   `notFound` (no such model), `dimensionMismatch` (disagrees with the model), `conflict`.
    public func createSpace(_ new: NewEmbeddingSpace, in dataset: String) async throws -> EmbeddingSpace {
        try Validation.name(new.name, what: "space name")
        let dataset = try await store.dataset(dataset)
        var dimensions = new.dimensions
        var metric = new.metric
        var kind = new.kind
        if let modelName = new.kind.modelName {
            let model = try configuration.models.descriptor(modelName)
            kind = .model(model.name)  // a model folder is stored by its absolute path
            if let given = dimensions, given != model.dimensions {
                throw CatalogError(.dimensionMismatch, "model '\(modelName)' makes \(model.dimensions)-d vectors; the space asks for \(given)")
            }
            dimensions = model.dimensions
            metric = metric ?? model.metric
        }
        guard let dimensions else { throw CatalogError.invalid("a custom space needs its dimensions") }
        guard (1...EmbeddingSpace.maximumDimensions).contains(dimensions) else {
            throw CatalogError.invalid("dimensions must be in 1...\(EmbeddingSpace.maximumDimensions) (got \(dimensions))")
        }
        let settings = new.index
        guard settings.flatThreshold >= 0, (2...512).contains(settings.m), settings.efConstruction >= 1, settings.efSearch >= 1 else {
            throw CatalogError.invalid("index settings out of range: m in 2...512, efConstruction and efSearch ≥ 1, flatThreshold ≥ 0")
        }
        let space = EmbeddingSpace(id: Identifiers.make(), datasetID: dataset.id, name: new.name, dimensions: dimensions,
                                   metric: metric ?? .cosine, kind: kind, index: settings, vectorCount: 0, generation: 0,
                                   createdAt: Date())
        return try await store.createSpace(space)
    }

    /// The dataset's spaces with their vector counts.
    public func spaces(in dataset: String) async throws -> [EmbeddingSpace] {
        let dataset = try await store.dataset(dataset)
        return try await store.spaces(datasetID: dataset.id)
    }

    /// A space by id or name.
    public func space(_ reference: String, in dataset: String) async throws -> EmbeddingSpace {
        try await store.space(reference, datasetID: dataset)
    }

    /// Deletes a space, its vectors and its index file.
    public func deleteSpace(_ reference: String, in dataset: String) async throws {
        let space = try await space(reference, in: dataset)
        for job in try await store.jobs(states: [.pending, .running]) where job.spaceID == space.id {
            await jobRunner.cancel(jobID: job.id)
        }
        try await store.deleteSpace(id: space.id)
        await indexes.drop(spaceID: space.id)
    }

    /// Stores vectors given by row id (or global key) — the JSON-body counterpart of
    /// `importVectors`. Bad entries (unknown row, wrong dimensions, NaN or infinity, all zeros
    /// under cosine) are reported by 1-based position; the others land and enter the loaded
    /// index. The index file is saved at `close()` or by the next file import; a process killed
    /// before that rebuilds the index from the store at its next use.
    public func putVectors(_ entries: [(key: String, vector: [Float])], byGlobalKey: Bool = false,
                           into space: String, in dataset: String) async throws -> ImportReport {
        let start = ContinuousClock.now
        let space = try await self.space(space, in: dataset)
        let slots = try await store.slots(of: entries.map(\.key), datasetID: space.datasetID, globalKeys: byGlobalKey)
        var report = ImportReport(read: entries.count)
        var batch = VectorBatch(dimensions: space.dimensions)
        for (position, entry) in entries.enumerated() {
            guard let slot = slots[entry.key] else {
                report.reject(LineError(line: position + 1, reason: "unknown row \(byGlobalKey ? "global key" : "id") '\(entry.key)'"))
                continue
            }
            if let problem = entry.vector.withUnsafeBufferPointer({ VectorCheck.problem($0, dimensions: space.dimensions, metric: space.metric) }) {
                report.reject(LineError(line: position + 1, reason: "row '\(entry.key)': \(problem)"))
                continue
            }
            batch.append(slot: slot, vector: entry.vector)
        }
        try await commit(slots: batch.slots, values: VectorValues(batch.values), to: space, report: &report)
        try await store.sync(configuration.durability)
        report.seconds = start.duration(to: .now).seconds - report.indexSeconds
        return report
    }

    /// Stores one batch of checked vectors (`values` row-major, one row per slot) and applies it
    /// to the loaded index.
    func commit(slots: [UInt32], values: VectorValues, to space: EmbeddingSpace, report: inout ImportReport) async throws {
        guard !slots.isEmpty else { return }
        let (_, generation) = try await store.putVectors(spaceID: space.id, slots: slots, vectors: values)
        report.stored += slots.count
        let indexStart = ContinuousClock.now
        await indexes.didWrite(spaceID: space.id, slots: slots, vectors: values,
                               previousGeneration: generation - 1, generation: generation)
        report.indexSeconds += indexStart.duration(to: .now).seconds
    }

    /// A row's vector in a space, or nil when it has none.
    public func vector(row rowID: String, space: String, in dataset: String) async throws -> [Float]? {
        let space = try await self.space(space, in: dataset)
        guard let slot = try await store.slots(of: [rowID], datasetID: space.datasetID, globalKeys: false)[rowID] else {
            throw CatalogError.notFound("row", rowID)
        }
        return try await store.vectors(spaceID: space.id, slots: [slot])[slot]
    }

    /// Removes the vectors of these rows from a space (the rows stay).
    /// - Returns: how many vectors were removed.
    @discardableResult
    public func deleteVectors(rows rowIDs: [String], space: String, in dataset: String) async throws -> Int {
        let space = try await self.space(space, in: dataset)
        let slots = Array(try await store.slots(of: rowIDs, datasetID: space.datasetID, globalKeys: false).values)
        let removed = try await store.deleteVectors(spaceID: space.id, slots: slots)
        let after = try await store.space(space.id, datasetID: space.datasetID)
        await indexes.didDelete(space: after, slots: slots)
        return removed
    }
}

/// Vectors gathered for one commit: slots and row-major values.
struct VectorBatch: Sendable {
    let dimensions: Int
    var slots: [UInt32] = []
    var values: [Float] = []

    init(dimensions: Int) { self.dimensions = dimensions }

    mutating func append(slot: UInt32, vector: [Float]) {
        slots.append(slot)
        values.append(contentsOf: vector)
    }
}

/// The checks every stored vector passes.
enum VectorCheck {
    /// Why `vector` cannot enter a space, in words, or nil.
    static func problem(_ vector: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric) -> String? {
        if vector.count != dimensions { return "expected \(dimensions) dimensions, got \(vector.count)" }
        return Vectors.problem(with: vector, dimensions: dimensions, metric: metric)?.description
    }
}

extension Catalog {
    /// Makes a space's index current — loads it from its file, or rebuilds it from the stored
    /// vectors when the file is missing, stale or damaged, and saves it — and says which.
    public func prepareIndex(space: String, in dataset: String) async throws -> IndexReport {
        let space = try await self.space(space, in: dataset)
        return try await indexes.prepare(space).report
    }
}
