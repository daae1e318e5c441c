import Catalog
import Curation
import Foundation
import Hummingbird

/// `POST /v1/datasets/{dataset}/smart-select` (write): picks rows by a strategy (the Curation
/// module's `SmartSelect`) and saves them as a selection.
public struct SmartSelectController<Service: SpaceRepository & ExportProvider & AnnotationRepository>: Sendable {
    let service: Service
    let maps: MapStore

    /// - Parameters:
    ///   - service: rows, vectors and selections.
    ///   - maps: the cluster maps; `cluster` picks use a space's map clusters (computing the map
    ///     first if there is none).
    public init(service: Service, maps: MapStore) {
        self.service = service
        self.maps = maps
    }

    /// Adds the route to `group` (mounted at `/v1/datasets`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.group().add(middleware: RequireScope(.write)).post(":dataset/smart-select", use: select)
    }

    @Sendable func select(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APISmartSelection> {
        let input = try await request.decodeJSON(APISmartSelectRequest.self, context: context)
        let dataset = try context.parameters.decoded("dataset")
        guard !input.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.validation("'name' is empty.") }
        guard (1...100_000).contains(input.count) else { throw APIError.validation("'count' must be in 1…100000, got \(input.count).") }
        if let score = input.duplicateScore, !(0...1).contains(score) {
            throw APIError.validation("'duplicate_score' must be in 0…1, got \(score).")
        }
        let needsVectors = input.strategy == "cluster" || input.strategy == "diverse" || input.duplicateScore != nil
        var space: EmbeddingSpace?
        if needsVectors {
            guard let reference = input.space else {
                throw APIError.validation("Strategy '\(input.strategy)'\(input.duplicateScore != nil ? " with duplicate exclusion" : "") needs a 'space'.")
            }
            space = try await service.space(reference, in: dataset)
        }
        let snapshot = try await RowSnapshot.read(from: service, dataset: dataset, space: space, filter: input.filter?.rowFilter ?? RowFilter())
        let strategy = try await strategy(input, snapshot: snapshot, space: space)
        let result: SmartSelect.Selection
        do {
            // Near-duplicates are judged by cosine similarity whatever the space's metric.
            let vectors = space == nil ? nil : try RowVectors(snapshot.vectors, dimensions: snapshot.dimensions, metric: .cosine)
            result = try SmartSelect.select(
                input.count, from: (0..<snapshot.count).map { UInt32($0) }, by: strategy, vectors: vectors,
                options: .init(excludeNearDuplicates: input.duplicateScore, allowFewer: true, threads: 1))
        } catch {
            throw APIError.validation("Smart select over \(snapshot.count) rows of dataset '\(dataset)': \(error)")
        }
        let selection = try await service.createSelection(name: input.name, rowIDs: result.rows.map { snapshot.ids[Int($0)] }, in: dataset)
        return EditedResponse(status: .created, response: APISmartSelection(
            selection: selection, candidates: snapshot.count, duplicatesSkipped: result.skippedNearDuplicates))
    }

    private func strategy(_ input: APISmartSelectRequest, snapshot: RowSnapshot, space: EmbeddingSpace?) async throws -> SmartSelect.Strategy {
        switch input.strategy {
        case "random":
            return .random(seed: input.seed ?? 42)
        case "ordered":
            guard let key = input.orderBy else { throw APIError.validation("Strategy 'ordered' needs 'order_by' (metric:NAME or metadata:FIELD).") }
            let values: [Double?]
            if key.hasPrefix("metric:") {
                let name = String(key.dropFirst(7))
                values = snapshot.metrics.map { $0[name] }
            } else if key.hasPrefix("metadata:") {
                let field = String(key.dropFirst(9))
                values = snapshot.metadata.map { RowSnapshot.number($0[field]) }
            } else {
                throw APIError.validation("'order_by' must be metric:NAME or metadata:FIELD, got '\(key)'.")
            }
            guard values.contains(where: { $0 != nil }) else { throw APIError.validation("No candidate row has a numeric '\(key)'.") }
            return .ordered(keys: values, descending: input.descending ?? true)
        case "cluster":
            guard let space else { throw APIError.validation("Strategy 'cluster' needs a 'space'.") }
            let map: SpaceMap
            if let loaded = try await maps.load(space: space.id) {
                map = loaded.map
            } else {
                let all = try await RowSnapshot.read(from: service, dataset: space.datasetID, space: space, filter: RowFilter())
                map = try await maps.save(try SpaceMap.build(space: space, snapshot: all, method: .pca, clusters: nil, seed: input.seed ?? 42)).map
            }
            let clusterOf = Dictionary(uniqueKeysWithValues: zip(map.ids, map.clusters))
            let perCluster = input.perCluster ?? "proportional"
            guard perCluster == "equal" || perCluster == "proportional" else {
                throw APIError.validation("'per_cluster' must be equal or proportional, got '\(perCluster)'.")
            }
            // Rows added after the map was computed form a cluster of their own (−1).
            return .clusters(.init(clusters: snapshot.ids.map { clusterOf[$0] ?? -1 }, allocation: perCluster == "proportional" ? .proportional : .equal,
                                   within: .random(seed: input.seed ?? 42), noise: .asCluster))
        case "diverse":
            return .diverse(start: .seeded(input.seed ?? 42))
        default:
            throw APIError.validation("'strategy' must be random, ordered, cluster or diverse, got '\(input.strategy)'.")
        }
    }
}
