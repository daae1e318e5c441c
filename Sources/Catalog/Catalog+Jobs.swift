extension Catalog {
    /// Starts a background job computing, with the space's model, the vectors of the rows of
    /// the model's media types that have none. Progress is stored as it goes; a job interrupted
    /// by a crash resumes at the next open (rows embedded by then are skipped).
    /// - Throws: `unsupported` for a custom space, `notFound` for a model not registered,
    ///   `conflict` when a job already fills this space.
    public func computeEmbeddings(space: String, in dataset: String) async throws -> Job {
        let space = try await self.space(space, in: dataset)
        guard let modelName = space.kind.modelName else {
            throw CatalogError(.unsupported, "space '\(space.name)' holds custom vectors; import them instead")
        }
        _ = try configuration.models.descriptor(modelName)
        return try await jobRunner.startEmbeddings(space: space)
    }

    /// A job by id.
    public func job(_ id: String) async throws -> Job { try await store.job(id: id) }

    /// Jobs, newest first.
    public func jobs(states: Set<Job.State>? = nil) async throws -> [Job] { try await store.jobs(states: states) }

    /// Asks a job to stop; it stops between batches and is marked cancelled.
    /// - Returns: the job as it stands.
    @discardableResult
    public func cancelJob(_ id: String) async throws -> Job {
        let job = try await store.job(id: id)
        guard !job.state.isFinished else { return job }
        await jobRunner.cancel(jobID: id)
        return try await store.job(id: id)
    }

    /// Waits until a job finishes and returns it.
    public func waitForJob(_ id: String) async throws -> Job {
        await jobRunner.wait(jobID: id)
        return try await store.job(id: id)
    }
}
