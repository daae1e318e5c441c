import Foundation

extension Catalog {
    /// Imports vectors into a space from an NDJSON file or an .npy array with an ids file.
    ///
    /// The file is streamed in chunks (never loaded whole) and parsed on `configuration.threads`
    /// threads. Every bad line — bad JSON, a missing `id`/`global_key` or `vector`, an unknown
    /// row, wrong dimensions, NaN or infinity, all zeros under cosine — is reported by line
    /// number with the reason while the good lines land. A row's vector already stored is
    /// replaced, so importing the same file twice leaves the same state. The call returns only
    /// once everything is committed to `configuration.durability`; the space's loaded index is
    /// then updated (timed separately in `indexSeconds`).
    ///
    /// Chunks are committed as they go: a process killed mid-import keeps the chunks committed
    /// so far, and re-running the import completes it.
    /// - Throws: `notFound` (dataset, space), `io` (unreadable file), `corruptData` (an .npy
    ///   header that is not a 2-D float array, an ids file whose line count differs from the
    ///   array's rows), `dimensionMismatch` (an .npy whose columns differ from the space's).
    public func importVectors(_ format: VectorFileFormat, into space: String, in dataset: String,
                              progress: ProgressHandler? = nil) async throws -> ImportReport {
        let space = try await self.space(space, in: dataset)
        let importer = VectorImporter(catalog: self, space: space, progress: progress)
        var report: ImportReport
        switch format {
        case .ndjson(let path): report = try await importer.importNDJSON(path: path)
        case .npy(let path, let idsPath, let byGlobalKey): report = try await importer.importNPY(path: path, idsPath: idsPath, byGlobalKey: byGlobalKey)
        }
        let saveStart = ContinuousClock.now
        await indexes.saveIfDirty(spaceID: space.id)
        report.indexSeconds += saveStart.duration(to: .now).seconds
        return report
    }

    /// Starts importing a vector file in the background, as a job (`Job.Kind.importVectors`):
    /// the same import as `importVectors`, with its progress (bytes of NDJSON or rows of .npy)
    /// in the job as blocks commit. Cancelling stops it between blocks (what was committed
    /// stays); a job interrupted by a crash runs again at the next open, and since re-importing
    /// replaces, that completes it. Its `ImportReport` is `importReport(job:)` once it finished.
    /// - Parameter removesFiles: delete the file (and ids file) once the job has finished — for
    ///   an upload spooled for the job. They stay while the job may still resume.
    /// - Throws: `notFound` (dataset, space), `io` for a file that cannot be opened.
    public func startVectorImport(_ format: VectorFileFormat, into space: String, in dataset: String,
                                  removesFiles: Bool = false) async throws -> Job {
        let space = try await self.space(space, in: dataset)
        let parameters = VectorImportParameters(format, removesFiles: removesFiles)
        for file in parameters.files { _ = try InputFile(path: file) }
        return try await jobRunner.start(.importVectors, space: space, parameters: try JSONEncoder().encode(parameters), exclusive: false)
    }

    /// The report of a finished import job, or nil while it runs (or for another kind of job).
    /// - Throws: `notFound` for an unknown job.
    public func importReport(job id: String) async throws -> ImportReport? {
        let job = try await store.job(id: id)
        guard job.kind == .importVectors, let data = try await store.jobResult(jobID: job.id) else { return nil }
        do {
            return try JSONDecoder().decode(ImportReport.self, from: data)
        } catch {
            throw CatalogError(.corruptData, "the stored report of import job \(id) cannot be read", underlying: error)
        }
    }

    /// Imports data rows from NDJSON, CSV or a folder of files. Rows whose id exists are
    /// replaced. Every bad line (bad JSON or CSV, a missing `row_data`, a bad id, a value that
    /// does not fit its field, a global key another row holds) is reported by line number while
    /// the good ones land; returns once they are committed.
    /// - Throws: `notFound` (dataset), `io` (unreadable file or folder).
    public func importRows(_ format: RowFileFormat, into dataset: String, progress: ProgressHandler? = nil) async throws -> ImportReport {
        let dataset = try await store.dataset(dataset)
        let importer = RowImporter(catalog: self, dataset: dataset, progress: progress)
        let report: ImportReport
        switch format {
        case .ndjson(let path): report = try await importer.importNDJSON(path: path)
        case .csv(let path, let options): report = try await importer.importCSV(path: path, options: options)
        case .folder(let path, let options): report = try await importer.importFolder(path: path, options: options)
        }
        try await store.sync(configuration.durability)
        return report
    }
}
