import Catalog
import Curation
import Foundation
import VectorMath

/// How a map's 2-D coordinates are made.
enum MapProjection: String, Sendable {
    /// The two principal axes (Curation's `PCA`): fast, linear, shows the largest spread.
    case pca
    /// UMAP (McInnes et al., 2018, Curation's `UMAP`) on Loupe's kNN graph: local neighbourhoods
    /// kept, slower.
    case umap
}

extension SpaceMap {
    /// Projects a space's vectors to 2-D (PCA or UMAP, from the Curation module) and clusters them
    /// by k-means in the full space, then summarises each cluster (Curation's `ClusterSummary`).
    /// - Parameters:
    ///   - space: the space (`cosine` vectors are normalised first).
    ///   - snapshot: the rows with their vectors in the space.
    ///   - method: the projection.
    ///   - clusters: k; by default ``defaultClusterCount(_:)``, never more than the rows.
    ///   - seed: seeds k-means and UMAP.
    /// - Throws: ``APIError`` 422 when the space has fewer than 2 vectors or a step refuses them.
    static func build(space: EmbeddingSpace, snapshot: RowSnapshot, method: MapProjection, clusters requested: Int?, seed: UInt64) throws -> SpaceMap {
        let count = snapshot.count, dimensions = snapshot.dimensions
        guard count >= 2 else {
            throw APIError.validation("Space '\(space.name)' has \(count) vector(s); a map needs at least 2.")
        }
        var vectors = snapshot.vectors
        if space.metric == .cosine { Vectors.normalizeRows(&vectors, rows: count, dimensions: dimensions) }
        let xy: [Float]
        let k = min(count, requested ?? defaultClusterCount(count))
        let model: KMeans
        var assignment = [UInt32](repeating: 0, count: count)
        let summaries: [Curation.ClusterSummary]
        do {
            xy = try project(vectors, count: count, dimensions: dimensions, method: method, seed: seed)
            model = try vectors.withUnsafeBufferPointer {
                try KMeans.train($0.baseAddress!, count: count, dimensions: dimensions,
                                 parameters: .init(clusters: k, seed: seed, spherical: space.metric == .cosine, threads: 1))
            }
            vectors.withUnsafeBufferPointer { points in
                assignment.withUnsafeMutableBufferPointer { model.assign(points.baseAddress!, count: count, into: $0.baseAddress!) }
            }
            summaries = try Curation.ClusterSummary.summarize(
                assignments: assignment.map { Int32($0) }, vectors: vectors, dimensions: dimensions, labels: snapshot.labels,
                metadata: categoricalFields(snapshot), centralCount: 8, topCount: 5, seed: seed)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.validation("Mapping space '\(space.name)' failed: \(error)")
        }
        let labelNames = Array(Set(snapshot.labels.compactMap { $0 })).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, Int32($0)) })
        let clustersByID = Dictionary(summaries.map { (Int($0.cluster), $0) }, uniquingKeysWith: { first, _ in first })
        let mapClusters = (0..<k).map { cluster in
            MapCluster(clustersByID[cluster], id: cluster, ids: snapshot.ids)
        }
        return SpaceMap(
            info: Info(space: space.id, dataset: space.datasetID, method: method.rawValue, created: Date(), labelNames: labelNames,
                       clusters: mapClusters),
            ids: snapshot.ids,
            x: stride(from: 0, to: xy.count, by: 2).map { xy[$0] },
            y: stride(from: 1, to: xy.count, by: 2).map { xy[$0] },
            clusters: assignment.map { Int32($0) },
            labels: snapshot.labels.map { $0.flatMap { labelIndex[$0] } ?? -1 })
    }

    /// `count × 2` coordinates; a one-dimensional space gets y = 0.
    private static func project(_ vectors: [Float], count: Int, dimensions: Int, method: MapProjection, seed: UInt64) throws -> [Float] {
        switch method {
        case .pca:
            let components = min(2, dimensions)
            let projected = try PCA.fit(vectors, dimensions: dimensions, components: components, threads: 1).transform(vectors)
            guard components == 1 else { return projected }
            return projected.flatMap { [$0, 0] }
        case .umap:
            let neighbors = min(15, count - 1)
            return try UMAP.fit(vectors, dimensions: dimensions, parameters: .init(neighbors: neighbors, seed: seed, threads: 1)).embedding
        }
    }

    /// The metadata fields that hold strings, as a value per row: what cluster summaries count.
    private static func categoricalFields(_ snapshot: RowSnapshot) -> [String: [String?]] {
        var fields = Set<String>()
        for row in snapshot.metadata { for (field, value) in row { if case .string = value { fields.insert(field) } } }
        var columns: [String: [String?]] = [:]
        for field in fields {
            columns[field] = snapshot.metadata.map { if case .string(let text)? = $0[field] { text } else { nil } }
        }
        return columns
    }
}

extension MapCluster {
    /// The API's form of a Curation summary; an empty cluster (none) keeps its number.
    init(_ summary: Curation.ClusterSummary?, id: Int, ids: [String]) {
        guard let summary else {
            self.init(id: id, name: "cluster \(id)", size: 0, central: [], labels: [], metadata: [])
            return
        }
        let values = summary.topMetadata.flatMap { field, counts in counts.map { FieldValueCount(field: field, value: .string($0.value), count: $0.count) } }
        self.init(
            id: id, name: summary.name, size: summary.size, central: summary.centralRows.map { ids[$0] },
            labels: summary.topLabels.map { ClassCount(class: $0.value, count: $0.count) },
            metadata: values.sorted { ($1.count, $0.field) < ($0.count, $1.field) }.prefix(3).map { $0 })
    }
}
