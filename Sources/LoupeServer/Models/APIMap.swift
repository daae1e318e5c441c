import Foundation
import Hummingbird

/// `GET /v1/spaces/{space}/map`: every point of the space's 2-D projection, as columns.
public struct APIMap: Codable, Sendable {
    public var space: String
    public var dataset: String
    /// How the coordinates were made: `pca` or `umap`.
    public var method: String
    public var created: Date
    public var bounds: APIBox
    public var ids: [String]
    public var x: [Float]
    public var y: [Float]
    /// The cluster of each point (an index into `clusterNames`).
    public var clusters: [Int32]
    public var clusterNames: [String]
    /// What the points are coloured by.
    public var colour: APIMapColouring
}

/// Colours for the points: a category per point (`cluster`, `label`; −1 for none) or a metric
/// value per point (`null` for none).
public struct APIMapColouring: Codable, Sendable {
    /// `cluster`, `label` or `metric`.
    public var kind: String
    /// The metric's name for `metric`.
    public var name: String?
    public var values: [Double?]
    /// Category names, indexed by `values` (empty for `metric`).
    public var categories: [String]
    public var min: Double?
    public var max: Double?
}

/// An axis-aligned box in map coordinates.
public struct APIBox: Codable, Sendable, Equatable {
    public var minX: Float
    public var minY: Float
    public var maxX: Float
    public var maxY: Float
}

/// The body of `POST /v1/spaces/{space}/map/select`: exactly one of a box or a polygon
/// (`[x0, y0, x1, y1, …]`, at least three vertices; even-odd rule, outline included).
public struct APIMapSelectRequest: Codable, Sendable {
    public var box: APIBox?
    public var polygon: [Float]?
}

/// The rows a map selection found, in map order.
public struct APIMapSelection: Codable, Sendable {
    public var ids: [String]
    public var count: Int
}

/// The body of `POST /v1/spaces/{space}/map/compute`.
public struct APIMapComputeRequest: Codable, Sendable {
    /// k for k-means, 2…200; about √(n/20) capped at 20 by default.
    public var clusters: Int?
    /// `pca` (default) or `umap`.
    public var method: String?
    public var seed: UInt64?
}

/// What `POST /v1/spaces/{space}/map/compute` made.
public struct APIMapComputed: Codable, Sendable {
    public var space: String
    public var method: String
    public var points: Int
    public var clusters: Int
    public var seconds: Double
}

extension APIMap: ResponseCodable {}
extension APIMapSelection: ResponseCodable {}
extension APIMapComputed: ResponseCodable {}
