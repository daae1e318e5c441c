import Foundation
import Hummingbird

/// The cluster map of one embedding space: a 2-D point per row, its cluster, its first label, and
/// a summary per cluster. Built by ``SpaceMap/build(space:snapshot:method:clusters:seed:)`` and
/// kept on disk by ``MapStore``.
struct SpaceMap: Sendable {
    /// What a map file holds besides the point columns.
    struct Info: Codable, Sendable {
        var space: String
        var dataset: String
        /// How the 2-D coordinates were made: `pca` or `umap`.
        var method: String
        var created: Date
        /// Label names; `labels[i]` indexes this (−1: no label).
        var labelNames: [String]
        var clusters: [MapCluster]
    }

    var info: Info
    var ids: [String]
    var x: [Float]
    var y: [Float]
    /// Cluster of each point (its index in `info.clusters`).
    var clusters: [Int32]
    /// Index into `info.labelNames`, or −1.
    var labels: [Int32]

    var count: Int { ids.count }
}

/// What a cluster is, as the API shows it: its size, a name made from its commonest label or
/// value, the rows nearest its centre, and its commonest labels and metadata values (from the
/// Curation module's `ClusterSummary`).
struct MapCluster: Codable, Sendable, Equatable, ResponseCodable {
    var id: Int
    var name: String
    var size: Int
    /// The rows nearest the cluster's centre, nearest first.
    var central: [String]
    var labels: [ClassCount]
    var metadata: [FieldValueCount]
}

/// A class and how many rows of a cluster carry it.
struct ClassCount: Codable, Sendable, Equatable {
    var `class`: String
    var count: Int
}

/// A metadata value and how many rows of a cluster carry it.
struct FieldValueCount: Codable, Sendable, Equatable {
    var field: String
    var value: JSONValue
    var count: Int
}

extension SpaceMap {
    /// The default number of clusters for `count` points: about √(n/20), in 2…20.
    static func defaultClusterCount(_ count: Int) -> Int {
        max(2, min(20, Int((Double(count) / 20).squareRoot().rounded())))
    }

    /// The smallest box around the points.
    var bounds: (minX: Float, minY: Float, maxX: Float, maxY: Float) {
        guard count > 0 else { return (0, 0, 1, 1) }
        return (x.min()!, y.min()!, x.max()!, y.max()!)
    }
}
