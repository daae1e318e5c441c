import Foundation
import Synchronization
import VectorIndex
import VectorMath

/// A space's index as loaded, and what it was built from.
struct LoadedIndex: Sendable {
    let index: any VectorIndex
    /// `flat` or `hnsw`.
    let kind: String
    /// The space generation the index reflects.
    let generation: Int
    /// One past the highest slot in the index (for sampling).
    let slotBound: UInt32
    /// The row ids of the dataset's slots, loaded with the index.
    let rowIDs: RowIDTable

    /// The same index at another generation, after a write changed it in place.
    func advanced(to generation: Int, slotBound: UInt32) -> LoadedIndex {
        LoadedIndex(index: index, kind: kind, generation: generation, slotBound: slotBound, rowIDs: rowIDs)
    }

    /// A seeded uniform sample (with replacement) of up to `SearchRequest.percentileSampleSize`
    /// slots in the index and in `filter`.
    func sampleSlots(filter: IDFilter?) -> [UInt32] {
        let size = SearchRequest.percentileSampleSize
        var random = SplitMix64(seed: 0x5EED_0F_5A_4D_93)
        if let filter, filter.count <= size * 4 {
            let ids = filter.ids.filter(index.contains)
            guard !ids.isEmpty else { return [] }
            return ids.count <= size ? ids : (0..<size).map { _ in ids[Int(random.next() % UInt64(ids.count))] }
        }
        guard slotBound > 0, index.count > 0 else { return [] }
        var sample: [UInt32] = []
        sample.reserveCapacity(size)
        var attempts = 0
        while sample.count < size && attempts < size * 64 {
            attempts += 1
            let slot = UInt32(random.next() % UInt64(slotBound))
            if index.contains(slot) && filter?.contains(slot) != false { sample.append(slot) }
        }
        return sample
    }
}

/// What building or checking a space's index did.
public struct IndexReport: Sendable, Hashable, Codable {
    /// `flat` or `hnsw`.
    public var kind: String
    public var vectors: Int
    /// How the index was obtained: `memory` (already loaded and current), `file` (loaded from
    /// its file), `rebuilt` (from the stored vectors: missing, stale or damaged file).
    public var source: String
    /// Why it was rebuilt, when it was.
    public var reason: String?
    public var seconds: Double
}

/// Each embedding space's index: loaded from `<directory>/<space id>.loupeidx` when its sidecar
/// (`<space id>.json`) records the space's current generation, otherwise rebuilt from the
/// stored vectors; kept in step with writes made through this catalog; saved back when changed.
///
/// The generation counter is the staleness test: the store bumps it in every transaction that
/// changes a space's vectors, the sidecar records the generation the file was saved at, and an
/// in-memory index records the generation it reflects. A write by another process (the CLI
/// importing while the server runs) makes the loaded index stale, and it is rebuilt at its next
/// use.
actor SpaceIndexes {
    private struct Entry {
        var loaded: LoadedIndex
        var dirty: Bool
    }

    /// What the sidecar file records.
    private struct Sidecar: Codable {
        var generation: Int
        var kind: String
        var vectors: Int
        var slotBound: UInt32
        var fileBytes: Int
    }

    let directory: String?
    let store: any Store
    let threads: Int
    private var entries: [String: Entry] = [:] {
        didSet { published.withLock { $0 = entries.mapValues(\.loaded) } }
    }
    /// `entries` as searches read them: without a hop onto the actor.
    private nonisolated let published = Mutex<[String: LoadedIndex]>([:])
    /// Loads and rebuilds under way, by space: a second caller waits for the first (the actor is
    /// re-entered while a rebuild awaits the store).
    private var preparing: [String: Task<(loaded: LoadedIndex, report: IndexReport), any Error>] = [:]
    /// Why each space's index was last rebuilt (for reports and tests).
    private(set) var lastRebuildReason: [String: String] = [:]

    init(directory: String?, store: any Store, threads: Int) {
        self.directory = directory
        self.store = store
        self.threads = threads
    }

    /// The index of `space` at the space's generation: the loaded one if current (read without
    /// entering the actor), else its file if current, else rebuilt from the store (and saved).
    nonisolated func index(for space: EmbeddingSpace) async throws -> LoadedIndex {
        if let loaded = published.withLock({ $0[space.id] }), Self.isCurrent(loaded, for: space) { return loaded }
        return try await prepare(space).loaded
    }

    /// Whether `loaded` reflects the space as it is: its generation, and the index kind its
    /// settings want at its size.
    private static func isCurrent(_ loaded: LoadedIndex, for space: EmbeddingSpace) -> Bool {
        loaded.generation == space.generation && space.index.usesHNSW(count: space.vectorCount) == (loaded.kind == "hnsw")
    }

    /// Loads or rebuilds like `index(for:)` and says how.
    func prepare(_ space: EmbeddingSpace) async throws -> (loaded: LoadedIndex, report: IndexReport) {
        let start = ContinuousClock.now
        if let entry = entries[space.id], Self.isCurrent(entry.loaded, for: space) {
            return (entry.loaded, report(entry.loaded, source: "memory", reason: nil, start: start))
        }
        if let running = preparing[space.id] {
            let (loaded, report) = try await running.value
            if loaded.generation == space.generation { return (loaded, report) }
        }
        let task = Task { try await load(space, start: start) }
        preparing[space.id] = task
        defer { if preparing[space.id] == task { preparing[space.id] = nil } }
        return try await task.value
    }

    /// Loads the index file if it is current, else rebuilds from the store and saves — off the
    /// actor and on the background threads, so searches of other spaces go on meanwhile.
    private func load(_ space: EmbeddingSpace, start: ContinuousClock.Instant) async throws -> (loaded: LoadedIndex, report: IndexReport) {
        entries[space.id] = nil
        let (loaded, reason) = try await Task.detached(executorPreference: BackgroundExecutor.shared) { [self] in
            try await loadOrRebuild(space)
        }.value
        entries[space.id] = Entry(loaded: loaded, dirty: false)
        if let reason { lastRebuildReason[space.id] = reason }
        return (loaded, report(loaded, source: reason == nil ? "file" : "rebuilt", reason: reason, start: start))
    }

    /// The index from its file, or rebuilt and saved; with why it was rebuilt (nil: from the file).
    private nonisolated func loadOrRebuild(_ space: EmbeddingSpace) async throws -> (LoadedIndex, String?) {
        let rowIDs = try await RowIDTable.load(datasetID: space.datasetID, store: store)
        var reason = "no index file"
        if let paths = paths(space.id) {
            switch loadFile(space: space, paths: paths, rowIDs: rowIDs) {
            case .success(let loaded): return (loaded, nil)
            case .failure(let why): reason = why.message
            }
        }
        let loaded = try await rebuild(space, rowIDs: rowIDs)
        if let paths = paths(space.id) { try Self.write(loaded, spaceID: space.id, to: paths) }
        return (loaded, reason)
    }

    private func report(_ loaded: LoadedIndex, source: String, reason: String?, start: ContinuousClock.Instant) -> IndexReport {
        IndexReport(kind: loaded.kind, vectors: loaded.index.count, source: source, reason: reason,
                    seconds: start.duration(to: .now).seconds)
    }

    /// Builds the index of `space` from its stored vectors. It is marked with the generation
    /// read before the scan: a write landing during the scan makes it stale (rebuilt again at
    /// its next use), never silently incomplete.
    private nonisolated func rebuild(_ space: EmbeddingSpace, rowIDs: RowIDTable) async throws -> LoadedIndex {
        let generation = try await store.space(space.id, datasetID: space.datasetID).generation
        let hnsw = space.index.usesHNSW(count: space.vectorCount)
        let index: any VectorIndex
        do {
            if hnsw {
                index = try HNSWIndex(dimensions: space.dimensions, metric: space.metric, parameters: HNSWParameters(
                    m: space.index.m, efConstruction: space.index.efConstruction, efSearch: space.index.efSearch, buildThreads: threads))
            } else {
                index = try FlatIndex(dimensions: space.dimensions, metric: space.metric)
            }
        } catch {
            throw CatalogError(.invalidArgument, "space '\(space.name)' has index settings the index rejects", underlying: error)
        }
        var slotBound: UInt32 = 0
        // Batches large enough for the parallel HNSW insert to use every thread.
        var after: UInt32?
        while true {
            let (slots, vectors) = try await store.vectorBatch(spaceID: space.id, after: after, limit: 16_384)
            guard let last = slots.last else { break }
            do {
                try index.add(vectors, ids: slots)
            } catch {
                throw CatalogError(.corruptData, "a stored vector of space '\(space.name)' cannot enter its index", underlying: error)
            }
            slotBound = last + 1
            after = last
        }
        return LoadedIndex(index: index, kind: hnsw ? "hnsw" : "flat", generation: generation, slotBound: slotBound, rowIDs: rowIDs)
    }

    private nonisolated func paths(_ spaceID: String) -> (index: String, sidecar: String)? {
        guard let directory else { return nil }
        return (directory + "/" + spaceID + ".loupeidx", directory + "/" + spaceID + ".json")
    }

    private nonisolated func loadFile(space: EmbeddingSpace, paths: (index: String, sidecar: String), rowIDs: RowIDTable) -> Result<LoadedIndex, CatalogError> {
        guard FileManager.default.fileExists(atPath: paths.index) else { return .failure(.invalid("no index file")) }
        guard let data = FileManager.default.contents(atPath: paths.sidecar),
              let sidecar = try? JSONDecoder().decode(Sidecar.self, from: data) else {
            return .failure(.invalid("the index file has no readable sidecar"))
        }
        guard sidecar.generation == space.generation else {
            return .failure(.invalid("the index file is stale (generation \(sidecar.generation), space at \(space.generation))"))
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: paths.index)[.size] as? Int) ?? -1
        guard bytes == sidecar.fileBytes else {
            return .failure(.invalid("the index file has \(bytes) bytes; its sidecar says \(sidecar.fileBytes)"))
        }
        let wantsHNSW = space.index.usesHNSW(count: space.vectorCount)
        guard wantsHNSW == (sidecar.kind == "hnsw") else { return .failure(.invalid("the index kind changed")) }
        do {
            let index: any VectorIndex = wantsHNSW ? try HNSWIndex.load(from: paths.index, buildThreads: threads)
                : try FlatIndex.load(from: paths.index)
            guard index.dimensions == space.dimensions, index.metric == space.metric, index.count == space.vectorCount else {
                return .failure(.invalid("the index file does not match the space (dimensions, metric or count)"))
            }
            return .success(LoadedIndex(index: index, kind: sidecar.kind, generation: sidecar.generation, slotBound: sidecar.slotBound,
                                        rowIDs: rowIDs))
        } catch {
            return .failure(.invalid("the index file cannot be read: \(error)"))
        }
    }

    /// Applies committed vectors to the loaded index when it reflects the generation before the
    /// commit; otherwise forgets it (it is rebuilt at its next use).
    func didWrite(spaceID: String, slots: [UInt32], vectors: VectorValues, previousGeneration: Int, generation: Int) {
        guard var entry = entries[spaceID] else { return }
        guard entry.loaded.generation == previousGeneration else {
            entries[spaceID] = nil
            return
        }
        do {
            try vectors.withUnsafeBufferPointer { values in
                try slots.withUnsafeBufferPointer { try entry.loaded.index.add(values, ids: $0) }
            }
        } catch {
            entries[spaceID] = nil
            return
        }
        entry.loaded = entry.loaded.advanced(to: generation, slotBound: max(entry.loaded.slotBound, (slots.max() ?? 0) + 1))
        entry.dirty = true
        entries[spaceID] = entry
    }

    /// Takes deleted slots out of the loaded index of `space` (as read after the delete).
    func didDelete(space: EmbeddingSpace, slots: [UInt32]) {
        guard var entry = entries[space.id] else { return }
        guard entry.loaded.generation == space.generation - 1 else {
            entries[space.id] = nil
            return
        }
        entry.loaded.index.remove(slots)
        entry.loaded = entry.loaded.advanced(to: space.generation, slotBound: entry.loaded.slotBound)
        entry.dirty = true
        entries[space.id] = entry
    }

    /// Forgets a deleted space's index and removes its files.
    func drop(spaceID: String) {
        entries[spaceID] = nil
        if let paths = paths(spaceID) {
            try? FileManager.default.removeItem(atPath: paths.index)
            try? FileManager.default.removeItem(atPath: paths.sidecar)
        }
    }

    /// Saves the index of a space if it changed since it was loaded or saved.
    func saveIfDirty(spaceID: String) {
        guard entries[spaceID]?.dirty == true else { return }
        try? save(spaceID: spaceID)
    }

    /// Saves every changed index.
    func saveAll() {
        for (spaceID, entry) in entries where entry.dirty { try? save(spaceID: spaceID) }
    }

    /// Saves a space's loaded index and marks it clean.
    private func save(spaceID: String) throws {
        guard let paths = paths(spaceID), var entry = entries[spaceID] else { return }
        try Self.write(entry.loaded, spaceID: spaceID, to: paths)
        entry.dirty = false
        entries[spaceID] = entry
    }

    /// Writes the index file (temporary file, fsync, rename), then its sidecar.
    private static func write(_ loaded: LoadedIndex, spaceID: String, to paths: (index: String, sidecar: String)) throws {
        do {
            try loaded.index.save(to: paths.index)
            let bytes = (try FileManager.default.attributesOfItem(atPath: paths.index)[.size] as? Int) ?? 0
            let sidecar = Sidecar(generation: loaded.generation, kind: loaded.kind, vectors: loaded.index.count,
                                  slotBound: loaded.slotBound, fileBytes: bytes)
            try JSONEncoder().encode(sidecar).write(to: URL(fileURLWithPath: paths.sidecar), options: .atomic)
        } catch {
            throw CatalogError(.io, "cannot save the index of space \(spaceID) to '\(paths.index)'", underlying: error)
        }
    }
}
