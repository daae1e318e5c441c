import Catalog
import Foundation
import Hummingbird

/// The body of `POST /v1/datasets/{dataset}/smart-select`.
public struct APISmartSelectRequest: Codable, Sendable {
    /// The name of the selection to save.
    public var name: String
    /// `random`, `ordered`, `cluster` or `diverse`.
    public var strategy: String
    /// Rows to pick, 1…100000.
    public var count: Int
    /// Seeds random picks and the diverse start (default 42).
    public var seed: UInt64?
    /// The space whose vectors `cluster`, `diverse` and duplicate exclusion use.
    public var space: String?
    /// Pick only among rows passing this filter.
    public var filter: APIRowFilter?
    /// For `ordered`: `metric:NAME` or `metadata:FIELD`.
    public var orderBy: String?
    public var descending: Bool?
    /// For `cluster`: `equal` or `proportional` (default).
    public var perCluster: String?
    /// Skip rows whose cosine similarity to a picked row is at least this (0…1).
    public var duplicateScore: Float?
}

/// What smart select saved.
public struct APISmartSelection: Codable, Sendable {
    public var selection: Selection
    /// Rows considered (after the filter, with a vector when one was needed).
    public var candidates: Int
    /// Rows skipped as near-duplicates of a picked one.
    public var duplicatesSkipped: Int
}

extension APISmartSelection: ResponseCodable {}
