import Foundation
import VectorIndex
import VectorMath

/// Runs one search request against one space: query vector, filter, index, paging, threshold.
struct SearchService {
    let catalog: Catalog
    let space: EmbeddingSpace

    func run(_ request: SearchRequest) async throws -> SearchResponse {
        guard (1...SearchRequest.maximumK).contains(request.k) else {
            throw CatalogError.invalid("k must be in 1...\(SearchRequest.maximumK) (got \(request.k))")
        }
        let offset = try request.cursor.map(SearchCursor.offset(from:)) ?? request.offset
        guard offset >= 0 else { throw CatalogError.invalid("offset must not be negative (got \(offset))") }
        guard offset + request.k <= SearchRequest.maximumDepth else {
            throw CatalogError(.limitExceeded, "offset + k may not pass \(SearchRequest.maximumDepth) (got \(offset + request.k)); narrow the filter or raise the threshold")
        }
        if let efSearch = request.efSearch, efSearch < 1 { throw CatalogError.invalid("efSearch must be at least 1") }
        let (query, excluded) = try await vector(for: request.query)
        let filter = request.filter.isEmpty ? nil : try await catalog.store.matchingSlots(datasetID: space.datasetID, filter: request.filter)
        let loaded = try await catalog.indexes.index(for: space)

        var minimumScore: Float?
        switch request.threshold {
        case .score(let score)?:
            guard score.isFinite else { throw CatalogError.invalid("the score threshold must be finite") }
            minimumScore = score
        case .percentile(let percentile)?:
            guard (0...100).contains(percentile) else { throw CatalogError.invalid("the percentile must be in 0...100 (got \(percentile))") }
            minimumScore = try PercentileEstimate.threshold(percentile: percentile, query: query, index: loaded.index,
                                                            slots: loaded.sampleSlots(filter: filter))
        case nil: break
        }

        // One more than the page needs, to know whether a next page exists.
        let wanted = offset + request.k + excluded.count + 1
        let options = SearchOptions(filter: filter, minimumScore: minimumScore,
                                    efSearch: max(request.efSearch ?? space.index.efSearch, wanted))
        let result: SearchResult
        do {
            result = try query.withUnsafeBufferPointer { try loaded.index.search($0, k: wanted, options: options) }
        } catch let error as VectorIndexError {
            throw CatalogError(.invalidVector, "the query cannot be searched: \(error.message)", underlying: error)
        }
        let neighbors = result.neighbors.filter { !excluded.contains($0.id) }
        let page = Array(neighbors.dropFirst(offset).prefix(request.k))
        let slots = page.map(\.id)
        let ids = try await loaded.rowIDs.ids(of: slots, store: catalog.store)
        let rows = request.includeRows ? try await catalog.store.rows(slots: slots, datasetID: space.datasetID) : [:]
        let hits = page.compactMap { neighbor -> SearchHit? in
            guard let id = ids[neighbor.id] else { return nil }
            return SearchHit(rowID: id, score: neighbor.score, distance: neighbor.distance, row: rows[neighbor.id])
        }
        let more = neighbors.count > offset + request.k
        return SearchResponse(hits: hits, isExact: result.isExact, candidatesScored: result.candidatesScored,
                              filteredCount: filter?.count, scoreThreshold: minimumScore,
                              nextCursor: more ? SearchCursor.make(offset: offset + request.k) : nil,
                              index: loaded.kind)
    }

    /// The query vector (normalised under cosine) and the slots to leave out of the results.
    func vector(for query: SearchQuery) async throws -> (vector: [Float], excluded: Set<UInt32>) {
        var vector: [Float]
        var excluded: Set<UInt32> = []
        switch query {
        case .vector(let given):
            vector = given
        case .text(let text):
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CatalogError.invalid("the text query is empty") }
            let model = try await model(acceptingTexts: true)
            vector = try await model.embed(texts: [text]).first ?? []
        case .image(let bytes):
            guard !bytes.isEmpty else { throw CatalogError.invalid("the image query is empty") }
            let model = try await model(acceptingTexts: false)
            vector = try await model.embed(images: [bytes]).first ?? []
        case .anchors(let positive, let negative, let weight):
            (vector, excluded) = try await anchorVector(positive: positive, negative: negative, weight: weight)
        }
        if let problem = vector.withUnsafeBufferPointer({ VectorCheck.problem($0, dimensions: space.dimensions, metric: space.metric) }) {
            let code: CatalogError.Code = vector.count == space.dimensions ? .invalidVector : .dimensionMismatch
            throw CatalogError(code, "the query vector for space '\(space.name)': \(problem)")
        }
        if space.metric.normalizesVectors { vector.withUnsafeMutableBufferPointer { _ = Vectors.normalize($0) } }
        return (vector, excluded)
    }

    private func model(acceptingTexts texts: Bool) async throws -> any EmbeddingModel {
        guard let name = space.kind.modelName else {
            throw CatalogError(.unsupported, "space '\(space.name)' holds custom vectors and has no model to embed a \(texts ? "text" : "image") query; search it by vector or by anchors")
        }
        let model = try await catalog.configuration.models.model(name)
        guard texts ? model.acceptsTextQueries : model.acceptsImageQueries else {
            throw CatalogError(.unsupported, "model '\(name)' of space '\(space.name)' does not embed \(texts ? "texts" : "images")")
        }
        return model
    }

    /// Rocchio's query: mean(positives) − weight · mean(negatives), each anchor normalised first
    /// under cosine.
    private func anchorVector(positive: [String], negative: [String], weight: Float) async throws -> ([Float], Set<UInt32>) {
        guard !positive.isEmpty else { throw CatalogError.invalid("an anchor search needs at least one positive row") }
        guard positive.count + negative.count <= SearchRequest.maximumAnchors else {
            throw CatalogError(.limitExceeded, "at most \(SearchRequest.maximumAnchors) anchors (got \(positive.count + negative.count))")
        }
        guard weight.isFinite, weight >= 0 else { throw CatalogError.invalid("the negative weight must be finite and not negative") }
        let slots = try await catalog.store.slots(of: positive + negative, datasetID: space.datasetID, globalKeys: false)
        if let missing = (positive + negative).first(where: { slots[$0] == nil }) { throw CatalogError.notFound("anchor row", missing) }
        let vectors = try await catalog.store.vectors(spaceID: space.id, slots: Array(slots.values))
        func mean(_ ids: [String]) throws -> [Float] {
            var sum = [Float](repeating: 0, count: space.dimensions)
            for id in ids {
                guard let slot = slots[id], var vector = vectors[slot] else {
                    throw CatalogError(.invalidVector, "anchor row '\(id)' has no vector in space '\(space.name)'")
                }
                if space.metric.normalizesVectors { vector.withUnsafeMutableBufferPointer { _ = Vectors.normalize($0) } }
                for d in sum.indices { sum[d] += vector[d] }
            }
            let scale = 1 / Float(max(ids.count, 1))
            return sum.map { $0 * scale }
        }
        var query = try mean(positive)
        if !negative.isEmpty {
            let away = try mean(negative)
            for d in query.indices { query[d] -= weight * away[d] }
        }
        return (query, Set(slots.values))
    }
}

/// Search cursors: the offset of the next page, opaque to clients.
enum SearchCursor {
    static func make(offset: Int) -> String { "o" + String(offset, radix: 36) }

    static func offset(from cursor: String) throws -> Int {
        guard cursor.first == "o", let offset = Int(cursor.dropFirst(), radix: 36), offset >= 0 else {
            throw CatalogError.invalid("'\(cursor)' is not a search cursor")
        }
        return offset
    }
}

/// Score thresholds from percentiles of the collection's scores to a query.
enum PercentileEstimate {
    /// The score at `percentile` among the scores of the query to the vectors in `slots` (a
    /// uniform sample of the space).
    static func threshold(percentile: Double, query: [Float], index: any VectorIndex, slots: [UInt32]) throws -> Float? {
        var scores: [Float] = []
        scores.reserveCapacity(slots.count)
        let kernels = VectorKernels.active
        for slot in slots {
            guard let vector = index.vector(for: slot) else { continue }
            let raw = query.withUnsafeBufferPointer { q in
                vector.withUnsafeBufferPointer { v in
                    index.metric == .l2 ? kernels.squaredL2(q.baseAddress!, v.baseAddress!, count: v.count)
                        : kernels.dot(q.baseAddress!, v.baseAddress!, count: v.count)
                }
            }
            scores.append(index.metric.score(fromOrderingKey: index.metric.orderingKey(fromKernelValue: raw)))
        }
        guard !scores.isEmpty else { return nil }
        scores.sort()
        let rank = Int((percentile / 100 * Double(scores.count - 1)).rounded())
        return scores[min(max(rank, 0), scores.count - 1)]
    }
}
