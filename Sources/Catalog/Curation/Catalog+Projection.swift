import Curation
import Foundation
import VectorIndex
import VectorMath

/// What a projection run made.
public struct ProjectionSummary: Sendable, Hashable, Codable {
    public var spaceID: String
    public var method: ProjectionMethod
    public var points: Int
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case method, points, createdAt
        case spaceID = "spaceId"
    }
}

extension Catalog {
    /// Neighbours whose positions place a new row on a UMAP map.
    static let placementNeighbors = 15

    /// Projects the stored vectors of a space to 2-D and stores the run and every row's point,
    /// replacing the space's earlier projection.
    /// - Parameters:
    ///   - method: PCA, or UMAP (15 neighbours, min_dist 0.1, on Loupe's kNN graph).
    ///   - seed: seeds UMAP.
    /// - Throws: `notFound`; `invalidArgument` for fewer than 2 vectors.
    public func project(space reference: String, in dataset: String, method: ProjectionMethod, seed: UInt64 = 42) async throws
        -> ProjectionSummary
    {
        let space = try await self.space(reference, in: dataset)
        let vectors = try await StoredVectors.read(store, space: space)
        let n = vectors.count, d = space.dimensions, threads = configuration.threads
        guard n >= 2 else { throw CatalogError.invalid("space '\(space.name)' has \(n) vector(s); a projection needs at least 2") }
        var values = vectors.values
        if space.metric == .cosine { Vectors.normalizeRows(&values, rows: n, dimensions: d) }
        let xy: [Float], model: [Float]
        switch method {
        case .pca:
            let components = min(2, d)
            let pca = try curating("PCA of space '\(space.name)'") { () throws(CurationError) in
                try PCA.fit(values, dimensions: d, components: components, threads: threads)
            }
            model = pca.mean + pca.axes + [Float](repeating: 0, count: (2 - components) * d)
            xy = Self.pcaPoints(values, model: model, dimensions: d)
        case .umap:
            let layout = try curating("UMAP of space '\(space.name)'") { () throws(CurationError) in
                try UMAP.fit(values, dimensions: d, parameters: .init(neighbors: min(15, n - 1), metric: space.metric == .cosine ? .cosine : .l2,
                                                                    seed: seed, threads: threads))
            }
            xy = layout.embedding
            model = []
        }
        let run = ProjectionRun(spaceID: space.id, method: method, seed: seed, dimensions: d, model: model, generation: space.generation,
                                createdAt: Date.storable())
        try await store.putProjection(run, points: ProjectionPoints(slots: vectors.slots, xy: xy))
        return ProjectionSummary(spaceID: space.id, method: method, points: n, createdAt: run.createdAt)
    }

    /// The map of a space: its projected rows with their points (rows added since the run placed
    /// first, without a refit), clusters (when the space is clustered) and first labels.
    /// - Throws: `notFound` when the space has no projection.
    public func map(space reference: String, in dataset: String) async throws -> SpaceMap {
        let space = try await self.space(reference, in: dataset)
        guard var run = try await store.projection(spaceID: space.id) else {
            throw CatalogError(.notFound, "space '\(space.name)' has no map yet: project it first (loupe project, or POST …/spaces/\(space.id)/map/compute)")
        }
        if run.generation != space.generation {
            try await placeNewRows(space, run: run)
            run.generation = space.generation
        }
        let points = try await store.projectionPoints(spaceID: space.id)
        var clusterOf: [UInt32: Int32] = [:]
        var clusters: [ClusterInfo] = []
        if (try await store.clustering(spaceID: space.id)) != nil {
            let clustering = try await currentClustering(space)
            clusters = try await served(clustering, space: space).clusters
            let members = try await store.clusterMembers(spaceID: space.id)
            clusterOf = Dictionary(zip(members.slots, members.clusters), uniquingKeysWith: { first, _ in first })
        }
        let rows = try await store.rows(slots: points.slots, datasetID: space.datasetID)
        let kept = points.slots.indices.filter { rows[points.slots[$0]] != nil }
        return SpaceMap(
            spaceID: space.id, datasetID: space.datasetID, method: run.method, createdAt: run.createdAt,
            slots: kept.map { points.slots[$0] }, ids: kept.map { rows[points.slots[$0]]?.id ?? "" },
            x: kept.map { points.xy[2 * $0] }, y: kept.map { points.xy[2 * $0 + 1] },
            clusterIndex: kept.map { clusterOf[points.slots[$0]] ?? -1 }, clusters: clusters,
            labels: kept.map { rows[points.slots[$0]]?.labels.first { $0.kind == .groundTruth }?.className })
    }

    /// Places the rows stored since the projection: PCA projects them exactly; UMAP puts each at
    /// the inverse-distance-weighted mean of its nearest projected rows (umap-learn's starting
    /// point for `transform`, without its further epochs).
    private func placeNewRows(_ space: EmbeddingSpace, run: ProjectionRun) async throws {
        let points = try await store.projectionPoints(spaceID: space.id)
        let placed = Dictionary(zip(points.slots, points.slots.indices), uniquingKeysWith: { first, _ in first })
        let vectors = try await StoredVectors.read(store, space: space)
        let fresh = vectors.slots.indices.filter { placed[vectors.slots[$0]] == nil }
        var added = ProjectionPoints()
        if !fresh.isEmpty {
            var rows = vectors.values(at: fresh)
            let d = space.dimensions
            if space.metric == .cosine { Vectors.normalizeRows(&rows, rows: fresh.count, dimensions: d) }
            added.slots = fresh.map { vectors.slots[$0] }
            switch run.method {
            case .pca:
                added.xy = Self.pcaPoints(rows, model: run.model, dimensions: d)
            case .umap:
                let known = vectors.slots.indices.filter { placed[vectors.slots[$0]] != nil }
                guard !known.isEmpty else { throw CatalogError(.corruptData, "the map of space '\(space.name)' has no points to place new rows by") }
                let index = try FlatIndex(dimensions: d, metric: space.metric == .cosine ? .cosine : .l2)
                try index.add(vectors.values(at: known), ids: known.map { UInt32($0) })
                let k = min(Self.placementNeighbors, known.count)
                for i in fresh.indices {
                    let found = try index.search(Array(rows[(i * d)..<((i + 1) * d)]), k: k).neighbors
                    var x: Double = 0, y: Double = 0, total: Double = 0
                    for neighbor in found {
                        let weight = 1 / (Double(max(neighbor.distance, 0)) + 1e-6)
                        let at = placed[vectors.slots[Int(neighbor.id)]] ?? 0
                        x += weight * Double(points.xy[2 * at])
                        y += weight * Double(points.xy[2 * at + 1])
                        total += weight
                    }
                    added.xy += [Float(x / max(total, 1e-12)), Float(y / max(total, 1e-12))]
                }
            }
        }
        try await store.addProjectionPoints(spaceID: space.id, points: added, generation: space.generation)
    }

    /// (v − μ)·a₁, (v − μ)·a₂ for each row, from a stored PCA model (mean, then two axes).
    static func pcaPoints(_ rows: [Float], model: [Float], dimensions d: Int) -> [Float] {
        let count = rows.count / d
        var out = [Float](repeating: 0, count: count * 2)
        for i in 0..<count {
            for c in 0..<2 {
                var sum: Double = 0
                for j in 0..<d { sum += Double(rows[i * d + j] - model[j]) * Double(model[(1 + c) * d + j]) }
                out[2 * i + c] = Float(sum)
            }
        }
        return out
    }
}
