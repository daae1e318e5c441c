import Foundation

/// What an import job imports, kept with the job (`job_parameters`) so that a job interrupted
/// by a crash runs the same import at the next open — re-importing replaces, so that completes it.
struct VectorImportParameters: Codable, Sendable {
    /// "ndjson" or "npy".
    var format: String
    var path: String
    var idsPath: String?
    var byGlobalKey: Bool
    /// Whether the files go once the job has finished (an upload spooled for the job).
    var removesFiles: Bool

    init(_ format: VectorFileFormat, removesFiles: Bool) {
        switch format {
        case .ndjson(let path):
            (self.format, self.path, idsPath, byGlobalKey) = ("ndjson", path, nil, false)
        case .npy(let path, let idsPath, let byGlobalKey):
            (self.format, self.path, self.idsPath, self.byGlobalKey) = ("npy", path, idsPath, byGlobalKey)
        }
        self.removesFiles = removesFiles
    }

    var fileFormat: VectorFileFormat {
        get throws {
            switch (format, idsPath) {
            case ("ndjson", _): return .ndjson(path: path)
            case ("npy", let idsPath?): return .npy(path: path, idsPath: idsPath, byGlobalKey: byGlobalKey)
            default: throw CatalogError(.corruptData, "an import job's parameters name an unknown format '\(format)'")
            }
        }
    }

    var files: [String] { (try? fileFormat.paths) ?? [path] }
}

/// One run of an import job: the catalog's streamed import, its progress written to the job as
/// blocks commit, and its report kept as the job's result.
struct VectorImportJob {
    /// Imports a file into a space, reporting progress (`Catalog.importVectors`).
    typealias Importer = @Sendable (VectorFileFormat, EmbeddingSpace, ProgressHandler?) async throws -> ImportReport

    let store: any Store
    let importVectors: Importer

    func run(_ job: inout Job) async throws {
        guard let spaceID = job.spaceID else { throw CatalogError.invalid("job \(job.id) names no space") }
        let space = try await store.space(spaceID, datasetID: job.datasetID)
        guard let data = try await store.jobParameters(jobID: job.id) else {
            throw CatalogError(.corruptData, "import job \(job.id) has no parameters")
        }
        let parameters = try JSONDecoder().decode(VectorImportParameters.self, from: data)
        for file in parameters.files where !FileManager.default.isReadableFile(atPath: file) {
            throw CatalogError(.io, "the file '\(file)' of import job \(job.id) is gone or unreadable")
        }
        // Progress goes to the store in order, the newest first when the writes fall behind.
        let (updates, continuation) = AsyncStream.makeStream(of: ImportProgress.self, bufferingPolicy: .bufferingNewest(1))
        job.state = .running
        job.updatedAt = Date()
        try await store.updateJob(job)
        let writer = Task { [store, job] in
            var job = job
            for await progress in updates {
                job.done = progress.done
                job.total = progress.total ?? job.total
                job.failedItems = progress.rejected
                job.updatedAt = Date()
                try? await store.updateJob(job)
            }
            return job
        }
        let report: ImportReport
        do {
            report = try await importVectors(try parameters.fileFormat, space) { continuation.yield($0) }
        } catch {
            continuation.finish()
            job = await writer.value
            throw error
        }
        continuation.finish()
        job = await writer.value
        try await store.putJobResult(jobID: job.id, result: try JSONEncoder().encode(report))
        job.total = max(job.total, job.done)
        job.done = job.total
        job.failedItems = report.rejected
    }

    /// Deletes the files of a finished job that asked for it.
    static func removeSpooledFiles(of job: Job, store: any Store) async {
        guard let data = try? await store.jobParameters(jobID: job.id),
              let parameters = try? JSONDecoder().decode(VectorImportParameters.self, from: data), parameters.removesFiles else { return }
        for file in parameters.files { try? FileManager.default.removeItem(atPath: file) }
    }
}
