import Curation
import VectorIndex
import VectorMath

/// A space's stored vectors read through the ``Store`` (`vectorBatch` pages, slot order): what
/// every curation computation starts from.
struct StoredVectors: Sendable {
    var slots: [UInt32] = []
    /// Row-major, `slots.count × dimensions`.
    var values: [Float] = []
    let dimensions: Int

    var count: Int { slots.count }

    /// Rows per `vectorBatch` page.
    static let pageSize = 4096

    /// Every stored vector of `space`, or only those whose slot `only` lets through.
    static func read(_ store: any Store, space: EmbeddingSpace, only: IDFilter? = nil) async throws -> StoredVectors {
        var result = StoredVectors(dimensions: space.dimensions)
        let d = space.dimensions
        var after: UInt32?
        while true {
            try Task.checkCancellation()
            let page = try await store.vectorBatch(spaceID: space.id, after: after, limit: pageSize)
            guard let last = page.slots.last else { break }
            after = last
            guard page.vectors.count == page.slots.count * d else {
                throw CatalogError(.corruptData, "space '\(space.name)' returned \(page.vectors.count) floats for \(page.slots.count) vectors of \(d)")
            }
            if let only {
                for (i, slot) in page.slots.enumerated() where only.contains(slot) {
                    result.slots.append(slot)
                    result.values.append(contentsOf: page.vectors[(i * d)..<((i + 1) * d)])
                }
            } else {
                result.slots += page.slots
                result.values += page.vectors
            }
        }
        return result
    }

    /// The vectors of the rows at `positions` (indexes into `slots`), row-major.
    func values(at positions: [Int]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(positions.count * dimensions)
        for p in positions { out.append(contentsOf: values[(p * dimensions)..<((p + 1) * dimensions)]) }
        return out
    }

    /// The vectors as Curation's validated ``RowVectors`` (row `i` is `slots[i]`).
    func rowVectors(metric: Metric) throws -> RowVectors {
        try curating("the vectors") { () throws(CurationError) in try RowVectors(values, dimensions: dimensions, metric: metric) }
    }
}

/// Runs a Curation computation, turning its errors into `invalidArgument` catalog errors that
/// name `what` (the Curation module knows nothing of the catalog).
func curating<T>(_ what: String, _ body: () throws(CurationError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        let code: CatalogError.Code = error.code == .limitExceeded ? .limitExceeded : .invalidArgument
        throw CatalogError(code, "\(what): \(error.message)")
    }
}

/// The metric neighbourhood computations use for a space: cosine stays cosine; an inner-product
/// space is compared by Euclidean distance.
func distanceMetric(of space: EmbeddingSpace) -> Metric {
    space.metric == .cosine ? .cosine : .l2
}
