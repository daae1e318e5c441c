// Catalog: Loupe's domain and its storage.
//
// It owns datasets, data rows (ids, global keys, typed metadata, labels), embedding spaces and
// their vectors, metrics, slices, selections and jobs; the `Store` protocol and its SQLite
// implementation (GRDB, WAL) in a data directory; each space's index (`VectorIndex`), persisted
// beside the database and rebuilt from the stored vectors when missing or stale; vector and row
// import, NDJSON export, the search service and the background job runner. It knows nothing
// about HTTP (that is `LoupeServer`) nor how models compute embeddings (`EmbeddingModel`s are
// handed to it in a `ModelRegistry`).

import Foundation
import VectorIndex
import VectorMath

/// How a catalog is opened.
public struct CatalogConfiguration: Sendable {
    /// The folder holding `catalog.sqlite` and `indexes/` (created if missing).
    public var dataDirectory: String
    /// Models that model-backed spaces and text/image queries use.
    public var models: ModelRegistry
    /// When an import is acknowledged: `.processCrash` once the commit is in the operating
    /// system (survives `kill -9`), `.powerLoss` once it is fsynced (survives power loss).
    public var durability: Durability
    /// Start the job runner and resume jobs left pending by a previous process.
    public var runsJobs: Bool
    /// Threads for parsing imports and building indexes.
    public var threads: Int

    /// The data directory Loupe uses unless told otherwise.
    public static let defaultDataDirectory = "./loupe-data"

    public init(dataDirectory: String = CatalogConfiguration.defaultDataDirectory, models: ModelRegistry = ModelRegistry(),
                durability: Durability = .powerLoss, runsJobs: Bool = true, threads: Int? = nil) {
        self.dataDirectory = dataDirectory
        self.models = models
        self.durability = durability
        self.runsJobs = runsJobs
        self.threads = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// What an acknowledged write survives.
public enum Durability: String, Sendable, Hashable, Codable {
    /// The commit reached the operating system: it survives the process being killed.
    case processCrash = "process_crash"
    /// The commit reached the disk (fsync): it also survives power loss.
    case powerLoss = "power_loss"
}

/// Loupe's catalog: the one object the server and the CLI talk to.
///
/// It validates requests, resolves dataset and space references (id or name), keeps each space's
/// index in step with the store, and runs searches, imports, exports and jobs. All methods are
/// safe to call concurrently.
public final class Catalog: Sendable {
    /// How it was opened.
    public let configuration: CatalogConfiguration
    /// Where the data lives.
    public let store: any Store
    let indexes: SpaceIndexes
    let jobRunner: JobRunner
    /// Spaces the search path resolved, while the store is unchanged.
    let resolvedSpaces = ResolvedSpaces()

    /// Opens (creating if needed) the catalog in `configuration.dataDirectory`: the SQLite
    /// database `catalog.sqlite`, migrated to the current schema, and the index folder
    /// `indexes/`. Jobs left pending or running by a previous process resume when
    /// `configuration.runsJobs`.
    /// - Throws: `io` when the folder cannot be created, `storage` when the database cannot be
    ///   opened or migrated.
    public static func open(_ configuration: CatalogConfiguration = CatalogConfiguration()) async throws -> Catalog {
        let directory = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory + "/indexes", withIntermediateDirectories: true)
        } catch {
            throw CatalogError(.io, "cannot create the data directory '\(directory)'", underlying: error)
        }
        let store = try SQLiteStore(path: directory + "/catalog.sqlite")
        return await Catalog(store: store, indexDirectory: directory + "/indexes", configuration: configuration)
    }

    /// A catalog over any store. With `indexDirectory` nil, indexes live in memory only and are
    /// rebuilt from the store when first used.
    public init(store: any Store, indexDirectory: String?, configuration: CatalogConfiguration) async {
        self.configuration = configuration
        self.store = store
        indexes = SpaceIndexes(directory: indexDirectory, store: store, threads: configuration.threads)
        jobRunner = JobRunner(store: store, models: configuration.models)
        await jobRunner.attach(indexes: indexes)
        await jobRunner.attach { [weak self] format, space, progress in
            guard let self else { throw CancellationError() }
            return try await self.importVectors(format, into: space.id, in: space.datasetID, progress: progress)
        }
        if configuration.runsJobs { await jobRunner.resumePending() }
    }

    /// Stops running jobs (they stay pending and resume at the next open) and saves every index
    /// changed since it was loaded.
    public func close() async {
        await jobRunner.stopAll()
        await indexes.saveAll()
    }

    // MARK: Datasets

    /// Creates a dataset.
    /// - Throws: `invalidArgument` for an empty or overlong name, `conflict` when the name or id
    ///   is taken.
    public func createDataset(_ dataset: NewDataset) async throws -> Dataset {
        try Validation.name(dataset.name, what: "dataset name")
        if let id = dataset.id { try Validation.identifier(id, what: "dataset id") }
        for field in dataset.fields { try Validation.name(field.name, what: "field name") }
        return try await store.createDataset(dataset, id: dataset.id ?? Identifiers.make(), createdAt: Date())
    }

    /// Every dataset, by name.
    public func datasets() async throws -> [Dataset] { try await store.datasets() }

    /// The dataset with this id or name.
    /// - Throws: `notFound`.
    public func dataset(_ reference: String) async throws -> Dataset { try await store.dataset(reference) }

    /// Deletes a dataset with its rows, spaces (and their index files), labels, metrics, slices,
    /// selections and jobs.
    public func deleteDataset(_ reference: String) async throws {
        let dataset = try await store.dataset(reference)
        let spaces = try await store.spaces(datasetID: dataset.id)
        for job in try await store.jobs(states: [.pending, .running]) where job.datasetID == dataset.id {
            await jobRunner.cancel(jobID: job.id)
        }
        try await store.deleteDataset(id: dataset.id)
        for space in spaces { await indexes.drop(spaceID: space.id) }
    }
}
