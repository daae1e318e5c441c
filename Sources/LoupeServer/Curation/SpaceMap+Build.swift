import Catalog
import Foundation
import VectorMath

extension SpaceMap {
    /// Projects a space's vectors to 2-D by PCA and clusters them by k-means in the full space,
    /// then summarises each cluster.
    /// - Parameters:
    ///   - space: the space (`cosine` vectors are normalised first).
    ///   - snapshot: the rows with their vectors in the space.
    ///   - clusters: k; by default ``defaultClusterCount(_:)``, never more than the rows.
    ///   - seed: seeds k-means and the PCA start.
    /// - Throws: ``APIError`` 422 when the space has fewer than 2 vectors.
    static func build(space: EmbeddingSpace, snapshot: RowSnapshot, clusters requested: Int?, seed: UInt64) throws -> SpaceMap {
        let count = snapshot.count, dimensions = snapshot.dimensions
        guard count >= 2 else {
            throw APIError.validation("Space '\(space.name)' has \(count) vector(s); a map needs at least 2.")
        }
        var vectors = snapshot.vectors
        if space.metric == .cosine { normaliseRows(&vectors, count: count, dimensions: dimensions) }
        let xy = PrincipalComponents.project(vectors, count: count, dimensions: dimensions, seed: seed)
        let k = min(count, requested ?? defaultClusterCount(count))
        let model: KMeans
        do {
            model = try vectors.withUnsafeBufferPointer {
                try KMeans.train($0.baseAddress!, count: count, dimensions: dimensions,
                                 parameters: .init(clusters: k, seed: seed, spherical: space.metric == .cosine, threads: 1))
            }
        } catch {
            throw APIError.validation("Clustering space '\(space.name)' failed: \(error)")
        }
        var assignment = [UInt32](repeating: 0, count: count)
        vectors.withUnsafeBufferPointer { points in
            assignment.withUnsafeMutableBufferPointer { model.assign(points.baseAddress!, count: count, into: $0.baseAddress!) }
        }
        let labelNames = Array(Set(snapshot.labels.compactMap { $0 })).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, Int32($0)) })
        let summaries = summarise(snapshot: snapshot, vectors: vectors, model: model, assignment: assignment)
        return SpaceMap(
            info: Info(space: space.id, dataset: space.datasetID, method: "pca", created: Date(), labelNames: labelNames, clusters: summaries),
            ids: snapshot.ids,
            x: stride(from: 0, to: xy.count, by: 2).map { xy[$0] },
            y: stride(from: 1, to: xy.count, by: 2).map { xy[$0] },
            clusters: assignment.map { Int32($0) },
            labels: snapshot.labels.map { $0.flatMap { labelIndex[$0] } ?? -1 })
    }

    static func normaliseRows(_ vectors: inout [Float], count: Int, dimensions: Int) {
        vectors.withUnsafeMutableBufferPointer { data in
            for row in 0..<count {
                let base = data.baseAddress! + row * dimensions
                let norm = VectorKernels.active.dot(base, base, count: dimensions).squareRoot()
                guard norm > 0 else { continue }
                for d in 0..<dimensions { base[d] /= norm }
            }
        }
    }

    /// Size, central rows (nearest the centroid), commonest labels and string metadata values,
    /// and a name per cluster.
    private static func summarise(snapshot: RowSnapshot, vectors: [Float], model: KMeans, assignment: [UInt32]) -> [ClusterSummary] {
        let k = model.clusterCount, dimensions = model.dimensions
        var members = [[Int]](repeating: [], count: k)
        for (row, cluster) in assignment.enumerated() { members[Int(cluster)].append(row) }
        return (0..<k).map { cluster in
            let rows = members[cluster]
            let distances: [(row: Int, distance: Float)] = vectors.withUnsafeBufferPointer { data in
                model.centroids.withUnsafeBufferPointer { centroids in
                    rows.map { row in
                        (row, VectorKernels.active.squaredL2(data.baseAddress! + row * dimensions, centroids.baseAddress! + cluster * dimensions, count: dimensions))
                    }
                }
            }
            let central = distances.sorted { ($0.distance, $0.row) < ($1.distance, $1.row) }.prefix(8).map { snapshot.ids[$0.row] }
            var labelCounts: [String: Int] = [:]
            var valueCounts: [String: (field: String, value: JSONValue, count: Int)] = [:]
            for row in rows {
                if let label = snapshot.labels[row] { labelCounts[label, default: 0] += 1 }
                for (field, value) in snapshot.metadata[row] {
                    guard case .string(let text) = value else { continue }
                    valueCounts["\(field)\u{0}\(text)", default: (field, value, 0)].count += 1
                }
            }
            let labels = labelCounts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5).map { ClassCount(class: $0.key, count: $0.value) }
            let metadata = valueCounts.values.filter { $0.count >= 2 }
                .sorted { ($1.count, $0.field) < ($0.count, $1.field) }.prefix(3)
                .map { FieldValueCount(field: $0.field, value: $0.value, count: $0.count) }
            return ClusterSummary(id: cluster, name: name(cluster: cluster, size: rows.count, labels: labels, metadata: metadata),
                                  size: rows.count, central: central, labels: labels, metadata: metadata)
        }
    }

    /// The commonest label when it holds most of the cluster, the two commonest otherwise, else
    /// the commonest metadata value, else "cluster N".
    static func name(cluster: Int, size: Int, labels: [ClassCount], metadata: [FieldValueCount]) -> String {
        if let top = labels.first {
            if Double(top.count) >= 0.6 * Double(size) || labels.count == 1 { return top.class }
            return "\(top.class) / \(labels[1].class)"
        }
        if let top = metadata.first, case .string(let text) = top.value { return "\(top.field)=\(text)" }
        return "cluster \(cluster)"
    }
}
