import Curation
import Foundation
import VectorMath

extension Catalog {
    /// The largest k a k-means request may ask for.
    public static let maximumClusters = 1000

    /// Clusters the stored vectors of a space and stores the run and each row's cluster,
    /// replacing the space's earlier clustering. Each cluster is summarised (Curation's
    /// `ClusterSummary`: the most central rows, a name from the commonest label or metadata value).
    /// - Parameters:
    ///   - algorithm: k-means with k in 2...min(rows, 1000), or HDBSCAN with a minimum cluster
    ///     size in 2...rows.
    ///   - seed: seeds k-means++ and the summaries.
    /// - Throws: `notFound` for an unknown dataset or space; `invalidArgument` for fewer than 2
    ///   vectors, k or the minimum cluster size out of range.
    public func cluster(space reference: String, in dataset: String, algorithm: ClusteringAlgorithm, seed: UInt64 = 42) async throws
        -> SpaceClustering
    {
        let space = try await self.space(reference, in: dataset)
        let vectors = try await StoredVectors.read(store, space: space)
        let n = vectors.count
        guard n >= 2 else { throw CatalogError.invalid("space '\(space.name)' has \(n) vector(s); clustering needs at least 2") }
        let metric = distanceMetric(of: space), d = space.dimensions, threads = configuration.threads
        let assignments: [Int32], centroids: [Float], cores: [Float], births: [Double], parameters: ClusteringRun.Parameters
        switch algorithm {
        case .kmeans(let k, let restarts):
            guard (2...min(n, Self.maximumClusters)).contains(k) else {
                throw CatalogError.invalid("k must be in 2...\(min(n, Self.maximumClusters)) for space '\(space.name)' of \(n) vectors (got \(k))")
            }
            guard (1...20).contains(restarts) else { throw CatalogError.invalid("restarts must be in 1...20 (got \(restarts))") }
            let fit = try curating("k-means over space '\(space.name)'") { () throws(CurationError) in
                try KMeansClustering.fit(vectors.values, dimensions: d,
                                         parameters: .init(clusters: k, restarts: restarts, seed: seed, threads: threads, metric: metric))
            }
            assignments = fit.assignments
            centroids = fit.centroids
            cores = []
            births = []
            parameters = .init(clusters: k, restarts: restarts, seed: seed)
        case .hdbscan(let minClusterSize, let minSamples):
            guard (2...n).contains(minClusterSize) else {
                throw CatalogError.invalid("the minimum cluster size must be in 2...\(n) for space '\(space.name)' of \(n) vectors (got \(minClusterSize))")
            }
            if let minSamples, !(1..<n).contains(minSamples) {
                throw CatalogError.invalid("min_samples must be in 1...\(n - 1) (got \(minSamples))")
            }
            let fit = try curating("HDBSCAN over space '\(space.name)'") { () throws(CurationError) in
                try HDBSCAN.fit(vectors.values, dimensions: d, parameters: .init(
                    minClusterSize: minClusterSize, minSamples: minSamples, metric: metric, seed: seed, threads: threads))
            }
            assignments = fit.labels
            cores = fit.coreDistances
            births = fit.birthDistances
            centroids = Self.means(vectors.values, dimensions: d, assignments: assignments, count: fit.clusterCount)
            parameters = .init(minClusterSize: minClusterSize, minSamples: fit.parameters.minSamples, seed: seed)
        }
        let clusterCount = centroids.count / d
        let summaries = try await summarize(space: space, vectors: vectors, assignments: assignments, seed: seed)
        let clusters = (0..<clusterCount).map { id in
            let summary = summaries[Int32(id)]
            return ClusteringRun.Cluster(id: Int32(id), name: summary?.name ?? "cluster \(id)",
                                         centralSlots: summary?.centralRows.map { vectors.slots[$0] } ?? [])
        }
        let run = ClusteringRun(spaceID: space.id, algorithm: algorithm.name, parameters: parameters, clusterCount: clusterCount,
                                dimensions: d, centroids: centroids, birthDistances: births, clusters: clusters,
                                generation: space.generation, createdAt: Date.storable())
        try await store.putClustering(run, members: ClusterMembers(slots: vectors.slots, clusters: assignments, coreDistances: cores))
        return try await served(run, space: space)
    }

    /// A space's clustering, with rows added since the fit placed first (nearest centroid for
    /// k-means; HDBSCAN's nearest core row by mutual reachability, or noise), and each cluster's
    /// size, commonest labels and metadata values counted from storage.
    /// - Throws: `notFound` when the space has no clustering.
    public func clustering(space reference: String, in dataset: String) async throws -> SpaceClustering {
        let space = try await self.space(reference, in: dataset)
        let run = try await currentClustering(space)
        return try await served(run, space: space)
    }

    /// The cluster of every clustered row of a space (−1: HDBSCAN noise), brought up to date.
    /// - Throws: `notFound` when the space has no clustering.
    public func clusterAssignments(space reference: String, in dataset: String) async throws -> (ids: [String], clusters: [Int32]) {
        let space = try await self.space(reference, in: dataset)
        _ = try await currentClustering(space)
        let members = try await store.clusterMembers(spaceID: space.id)
        let ids = try await store.rowIDs(slots: members.slots, datasetID: space.datasetID)
        let kept = members.slots.indices.filter { ids[members.slots[$0]] != nil }
        return (kept.map { ids[members.slots[$0]] ?? "" }, kept.map { members.clusters[$0] })
    }

    /// The stored run, after assigning rows added since it last covered the space.
    func currentClustering(_ space: EmbeddingSpace) async throws -> ClusteringRun {
        guard let run = try await store.clustering(spaceID: space.id) else {
            throw CatalogError(.notFound, "space '\(space.name)' has no clustering yet: cluster it first (loupe cluster, or POST …/spaces/\(space.id)/clusters)")
        }
        guard run.generation != space.generation else { return run }
        let members = try await store.clusterMembers(spaceID: space.id)
        let vectors = try await StoredVectors.read(store, space: space)
        let clusterOf = Dictionary(zip(members.slots, members.slots.indices), uniquingKeysWith: { first, _ in first })
        let fresh = vectors.slots.indices.filter { clusterOf[vectors.slots[$0]] == nil }
        var added = ClusterMembers()
        if !fresh.isEmpty {
            let rows = vectors.values(at: fresh)
            let metric = distanceMetric(of: space)
            if run.algorithm == "hdbscan" {
                let fitted = vectors.slots.indices.filter { clusterOf[vectors.slots[$0]] != nil }
                let memberIndex = fitted.map { clusterOf[vectors.slots[$0]]! }
                let labels = memberIndex.map { members.clusters[$0] }
                let cores = memberIndex.map { members.coreDistances.isEmpty ? 0 : members.coreDistances[$0] }
                let minSamples = run.parameters.minSamples ?? run.parameters.minClusterSize ?? 5
                added.clusters = try curating("placing new rows of space '\(space.name)' in its HDBSCAN clusters") { () throws(CurationError) in
                    try HDBSCAN.assign(rows, fitted: vectors.values(at: fitted), dimensions: space.dimensions, labels: labels,
                                       coreDistances: cores, birthDistances: run.birthDistances, minSamples: minSamples, metric: metric,
                                       threads: configuration.threads)
                }
                // The new rows' own core distances are unknown: they never serve as core rows.
                added.coreDistances = [Float](repeating: .greatestFiniteMagnitude, count: fresh.count)
            } else {
                added.clusters = try curating("placing new rows of space '\(space.name)' in its k-means clusters") { () throws(CurationError) in
                    try rows.withUnsafeBufferPointer { rows throws(CurationError) in
                        try KMeansClustering.assign(rows, centroids: run.centroids, dimensions: space.dimensions, metric: metric,
                                                    threads: configuration.threads)
                    }
                }
            }
            added.slots = fresh.map { vectors.slots[$0] }
        }
        try await store.addClusterMembers(spaceID: space.id, members: added, generation: space.generation)
        var updated = run
        updated.generation = space.generation
        updated.assignedSinceFit += added.slots.count
        return updated
    }

    /// The run as served: sizes, labels and values counted now; central rows by id.
    func served(_ run: ClusteringRun, space: EmbeddingSpace) async throws -> SpaceClustering {
        let counts = try await store.clusterCounts(spaceID: space.id, top: 5)
        let ids = try await store.rowIDs(slots: run.clusters.flatMap(\.centralSlots), datasetID: space.datasetID)
        let clusters = run.clusters.map { cluster in
            let count = counts[cluster.id]
            return ClusterInfo(id: Int(cluster.id), name: cluster.name, size: count?.size ?? 0,
                               central: cluster.centralSlots.compactMap { ids[$0] }, labels: count?.labels ?? [],
                               metadata: count?.metadata ?? [])
        }
        return SpaceClustering(spaceID: space.id, algorithm: run.algorithm, parameters: run.parameters, createdAt: run.createdAt,
                               rows: counts.values.reduce(0) { $0 + $1.size }, noise: counts[-1]?.size ?? 0,
                               assignedSinceFit: run.assignedSinceFit, clusters: clusters)
    }

    /// Curation's summaries of the clusters (noise left out), keyed by cluster: central rows
    /// (positions in `vectors`) and a name from the commonest ground-truth label or metadata value.
    private func summarize(space: EmbeddingSpace, vectors: StoredVectors, assignments: [Int32], seed: UInt64) async throws
        -> [Int32: Curation.ClusterSummary]
    {
        let rows = try await store.rows(slots: vectors.slots, datasetID: space.datasetID)
        let labels: [String?] = vectors.slots.map { slot in
            rows[slot]?.labels.first { $0.kind == .groundTruth }?.className
        }
        var fields = Set<String>()
        for row in rows.values { for (field, value) in row.metadata { if case .string = value { fields.insert(field) } } }
        var metadata: [String: [String?]] = [:]
        for field in fields {
            metadata[field] = vectors.slots.map { slot in
                if case .string(let text)? = rows[slot]?.metadata[field] { text } else { nil }
            }
        }
        var values = vectors.values
        if space.metric == .cosine { Vectors.normalizeRows(&values, rows: vectors.count, dimensions: vectors.dimensions) }
        let summaries = try curating("summarising the clusters of space '\(space.name)'") { () throws(CurationError) in
            try Curation.ClusterSummary.summarize(assignments: assignments, vectors: values, dimensions: vectors.dimensions, labels: labels,
                                                  metadata: metadata, centralCount: 8, topCount: 5, seed: seed)
        }
        return Dictionary(summaries.filter { $0.cluster >= 0 }.map { ($0.cluster, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The mean of each cluster's rows (noise left out), `count × dimensions`.
    static func means(_ values: [Float], dimensions d: Int, assignments: [Int32], count: Int) -> [Float] {
        var sums = [Double](repeating: 0, count: count * d)
        var sizes = [Int](repeating: 0, count: count)
        for (row, cluster) in assignments.enumerated() where cluster >= 0 && Int(cluster) < count {
            sizes[Int(cluster)] += 1
            for j in 0..<d { sums[Int(cluster) * d + j] += Double(values[row * d + j]) }
        }
        return (0..<(count * d)).map { Float(sums[$0] / Double(max(1, sizes[$0 / d]))) }
    }
}
