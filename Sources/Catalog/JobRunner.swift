import Foundation
import VectorMath

/// Runs background jobs one task each, records their progress in the store, and resumes those a
/// previous process left pending or running.
///
/// A job's state in the store is the truth: `running` with no process behind it (after a crash)
/// is treated as `pending` at the next open. Cancellation is cooperative: a job stops between
/// batches.
actor JobRunner {
    let store: any Store
    let models: ModelRegistry
    private var indexes: SpaceIndexes?
    private var tasks: [String: Task<Void, Never>] = [:]
    /// Jobs the user cancelled (as opposed to stopped by `stopAll` to resume later).
    private var cancelled: Set<String> = []

    /// Rows embedded per model call and per commit, by media type.
    static let textBatch = 64
    static let imageBatch = 16

    init(store: any Store, models: ModelRegistry) {
        self.store = store
        self.models = models
    }

    func attach(indexes: SpaceIndexes) { self.indexes = indexes }

    /// What import jobs call to import (`Catalog.importVectors`, which owns the pipeline).
    private var importVectors: VectorImportJob.Importer?

    func attach(importVectors: @escaping VectorImportJob.Importer) { self.importVectors = importVectors }

    /// Starts every job left pending or running.
    func resumePending() async {
        guard let jobs = try? await store.jobs(states: [.pending, .running]) else { return }
        for job in jobs where tasks[job.id] == nil { launch(job) }
    }

    /// Records and starts a job filling `space`.
    func startEmbeddings(space: EmbeddingSpace) async throws -> Job {
        let active = try await store.jobs(states: [.pending, .running])
        if let existing = active.first(where: { $0.spaceID == space.id }) {
            throw CatalogError(.conflict, "job \(existing.id) is already computing the embeddings of space '\(space.name)'")
        }
        let now = Date()
        let job = try await store.createJob(Job(id: Identifiers.make(), kind: .computeEmbeddings, datasetID: space.datasetID,
                                                spaceID: space.id, state: .pending, done: 0, total: 0, failedItems: 0,
                                                error: nil, createdAt: now, updatedAt: now))
        launch(job)
        return job
    }

    /// Records and starts a job over `space` with its parameters (JSON, kept so that a job
    /// resumed after a crash runs as asked).
    /// - Parameter exclusive: refuse (`conflict`) while a job of the same kind works on the space.
    func start(_ kind: Job.Kind, space: EmbeddingSpace, parameters: Data, exclusive: Bool = true) async throws -> Job {
        let active = try await store.jobs(states: [.pending, .running])
        if exclusive, let existing = active.first(where: { $0.spaceID == space.id && $0.kind == kind }) {
            throw CatalogError(.conflict, "job \(existing.id) is already computing \(kind.rawValue) for space '\(space.name)'")
        }
        let now = Date()
        let job = try await store.createJob(Job(id: Identifiers.make(), kind: kind, datasetID: space.datasetID, spaceID: space.id,
                                                state: .pending, done: 0, total: 0, failedItems: 0, error: nil, createdAt: now, updatedAt: now))
        try await store.putJobParameters(jobID: job.id, parameters: parameters)
        launch(job)
        return job
    }

    /// Cancels a job: it stops between batches and is marked cancelled.
    func cancel(jobID: String) async {
        cancelled.insert(jobID)
        if let task = tasks[jobID] {
            task.cancel()
            await task.value
        } else if var job = try? await store.job(id: jobID), !job.state.isFinished {
            job.state = .cancelled
            job.updatedAt = Date()
            try? await store.updateJob(job)
        }
    }

    /// Waits for a job's task, if it is running here.
    func wait(jobID: String) async {
        await tasks[jobID]?.value
    }

    /// Stops every running job, leaving it pending so that the next open resumes it.
    func stopAll() async {
        for (_, task) in tasks { task.cancel() }
        for (_, task) in tasks { await task.value }
    }

    private func launch(_ job: Job) {
        let store = store
        let models = models
        let indexes = indexes
        let importVectors = importVectors
        tasks[job.id] = Task.detached(executorPreference: BackgroundExecutor.shared) { [weak self] in
            var job = job
            do {
                switch job.kind {
                case .computeEmbeddings:
                    try await EmbeddingJob(store: store, models: models, indexes: indexes).run(&job)
                case .rowScores, .labelMistakes:
                    try await CurationJob(store: store).run(&job)
                case .importVectors:
                    guard let importVectors else { throw CatalogError(.unsupported, "this catalog cannot run import jobs") }
                    try await VectorImportJob(store: store, importVectors: importVectors).run(&job)
                }
                job.state = .succeeded
            } catch is CancellationError {
                job.state = await self?.wasCancelled(job.id) == true ? .cancelled : .pending
            } catch {
                job.state = .failed
                job.error = (error as? CatalogError)?.message ?? "\(error)"
            }
            job.updatedAt = Date()
            // A fresh task: this one may be cancelled, and the final state must still be written.
            let final = job
            await Task {
                try? await store.updateJob(final)
                if final.kind == .importVectors && final.state.isFinished { await VectorImportJob.removeSpooledFiles(of: final, store: store) }
            }.value
            await self?.finished(job.id)
        }
    }

    private func wasCancelled(_ id: String) -> Bool { cancelled.contains(id) }

    private func finished(_ id: String) {
        tasks[id] = nil
        cancelled.remove(id)
    }
}

/// One run of a compute-embeddings job: batches of rows lacking a vector, embedded by the
/// space's model, committed with the progress.
struct EmbeddingJob {
    let store: any Store
    let models: ModelRegistry
    let indexes: SpaceIndexes?

    func run(_ job: inout Job) async throws {
        guard let spaceID = job.spaceID else { throw CatalogError.invalid("job \(job.id) names no space") }
        let space = try await store.space(spaceID, datasetID: job.datasetID)
        guard let modelName = space.kind.modelName else { throw CatalogError(.unsupported, "space '\(space.name)' has no model") }
        let model = try await models.model(modelName)
        guard model.dimensions == space.dimensions else {
            throw CatalogError(.dimensionMismatch, "model '\(modelName)' makes \(model.dimensions)-d vectors; space '\(space.name)' holds \(space.dimensions)-d")
        }
        let mediaTypes = model.mediaTypes
        job.state = .running
        job.total = job.done + (try await store.countLackingVectors(spaceID: space.id, mediaTypes: mediaTypes))
        job.updatedAt = Date()
        try await store.updateJob(job)
        var after: UInt32?
        let batchSize = mediaTypes.contains(.image) ? JobRunner.imageBatch : JobRunner.textBatch
        var itemErrors: [String] = []
        while true {
            try Task.checkCancellation()
            let slots = try await store.slotsLackingVectors(spaceID: space.id, mediaTypes: mediaTypes, after: after, limit: batchSize)
            guard let last = slots.last else { break }
            after = last
            let rows = try await store.rows(slots: slots, datasetID: space.datasetID)
            var batch = VectorBatch(dimensions: space.dimensions)
            for mediaType in mediaTypes.sorted(by: { $0.rawValue < $1.rawValue }) {
                let group = slots.compactMap { slot in rows[slot].map { (slot, $0) } }.filter { $0.1.mediaType == mediaType }
                guard !group.isEmpty else { continue }
                var inputs: [(slot: UInt32, text: String?, image: [UInt8]?)] = []
                for (slot, row) in group {
                    do {
                        if mediaType == .text {
                            inputs.append((slot, try RowContent.text(of: row), nil))
                        } else {
                            inputs.append((slot, nil, try RowContent.bytes(of: row)))
                        }
                    } catch {
                        job.failedItems += 1
                        if itemErrors.count < 5 { itemErrors.append("row '\(row.id)': \((error as? CatalogError)?.message ?? "\(error)")") }
                    }
                }
                guard !inputs.isEmpty else { continue }
                let results: [Result<[Float], CatalogError>]
                if mediaType == .text {
                    let vectors = try await model.embed(texts: inputs.map { $0.text ?? "" })
                    guard vectors.count == inputs.count else {
                        throw CatalogError(.invalidArgument, "model '\(modelName)' returned \(vectors.count) vectors for \(inputs.count) inputs")
                    }
                    results = vectors.map { .success($0) }
                } else {
                    results = try await model.embedEach(images: inputs.map { $0.image ?? [] })
                }
                for (input, result) in zip(inputs, results) {
                    let vector: [Float]
                    switch result {
                    case .success(let embedded): vector = embedded
                    case .failure(let error):
                        job.failedItems += 1
                        if itemErrors.count < 5 { itemErrors.append("row '\(rows[input.slot]?.id ?? "slot \(input.slot)")': \(error.message)") }
                        continue
                    }
                    if let problem = vector.withUnsafeBufferPointer({ VectorCheck.problem($0, dimensions: space.dimensions, metric: space.metric) }) {
                        job.failedItems += 1
                        if itemErrors.count < 5 { itemErrors.append("row '\(rows[input.slot]?.id ?? "slot \(input.slot)")': the model's vector is unusable: \(problem)") }
                        continue
                    }
                    batch.append(slot: input.slot, vector: vector)
                }
            }
            if !batch.slots.isEmpty {
                let values = VectorValues(batch.values)
                let (_, generation) = try await store.putVectors(spaceID: space.id, slots: batch.slots, vectors: values)
                await indexes?.didWrite(spaceID: space.id, slots: batch.slots, vectors: values,
                                        previousGeneration: generation - 1, generation: generation)
            }
            job.done += slots.count
            job.error = itemErrors.isEmpty ? nil : itemErrors.joined(separator: "; ")
            job.updatedAt = Date()
            try await store.updateJob(job)
        }
        await indexes?.saveIfDirty(spaceID: space.id)
    }
}

/// Reading what a row's `rowData` points at.
enum RowContent {
    /// The file a row's data names (a path or a `file://` URI), or nil for inline text and
    /// other URIs.
    static func filePath(of row: DataRow) -> String? {
        let data = row.rowData
        if data.hasPrefix("file://") { return URL(string: data)?.path }
        if data.hasPrefix("/") || data.hasPrefix("./") || data.hasPrefix("../") { return data }
        if row.mediaType == .image, !data.contains("://") { return data }
        return nil
    }

    /// The text of a text row: its inline text, or the contents of the file it names.
    static func text(of row: DataRow) throws -> String {
        guard let path = filePath(of: row), FileManager.default.fileExists(atPath: path) else { return row.rowData }
        return String(decoding: try bytes(atPath: path), as: UTF8.self)
    }

    /// The bytes of the file a row names.
    static func bytes(of row: DataRow) throws -> [UInt8] {
        guard let path = filePath(of: row) else {
            throw CatalogError(.unsupported, "row data '\(row.rowData)' is not a local file; only files and file:// URIs are read")
        }
        return try bytes(atPath: path)
    }

    static func bytes(atPath path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(.io, "cannot read '\(path)'")
        }
        return [UInt8](data)
    }
}
