import Catalog
import Foundation
import Hummingbird

/// `POST /v1/datasets/{dataset}/smart-select` (write): picks rows by a strategy (the catalog's
/// ``CurationRepository/smartSelect(_:in:)`` over the Curation module's `SmartSelect`) and saves
/// them as a selection.
public struct SmartSelectController<Service: CurationRepository>: Sendable {
    let service: Service

    /// - Parameter service: rows, vectors, clusters and selections.
    public init(service: Service) {
        self.service = service
    }

    /// Adds the route to `group` (mounted at `/v1/datasets`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.group().add(middleware: RequireScope(.write)).post(":dataset/smart-select", use: select)
    }

    @Sendable func select(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APISmartSelection> {
        let input = try await request.decodeJSON(APISmartSelectRequest.self, context: context)
        let dataset = try context.parameters.decoded("dataset")
        let result = try await service.smartSelect(try Self.request(input), in: dataset)
        return EditedResponse(status: .created, response: APISmartSelection(
            selection: result.selection, candidates: result.candidates, duplicatesSkipped: result.duplicatesSkipped))
    }

    /// The catalog's request, with each field checked and named as the API spells it.
    static func request(_ input: APISmartSelectRequest) throws -> SmartSelectRequest {
        guard !input.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.validation("'name' is empty.") }
        guard (1...100_000).contains(input.count) else { throw APIError.validation("'count' must be in 1…100000, got \(input.count).") }
        if let score = input.duplicateScore, !(0...1).contains(score) {
            throw APIError.validation("'duplicate_score' must be in 0…1, got \(score).")
        }
        let strategy: SmartSelectRequest.Strategy
        switch input.strategy {
        case "random":
            strategy = .random
        case "ordered":
            guard let key = input.orderBy else { throw APIError.validation("Strategy 'ordered' needs 'order_by' (metric:NAME or metadata:FIELD).") }
            guard key.hasPrefix("metric:") || key.hasPrefix("metadata:") else {
                throw APIError.validation("'order_by' must be metric:NAME or metadata:FIELD, got '\(key)'.")
            }
            strategy = .ordered(key: key, descending: input.descending ?? true)
        case "cluster":
            let perCluster = input.perCluster ?? "proportional"
            guard perCluster == "equal" || perCluster == "proportional" else {
                throw APIError.validation("'per_cluster' must be equal or proportional, got '\(perCluster)'.")
            }
            strategy = .clusters(proportional: perCluster == "proportional")
        case "diverse":
            strategy = .diverse
        default:
            throw APIError.validation("'strategy' must be random, ordered, cluster or diverse, got '\(input.strategy)'.")
        }
        let request = SmartSelectRequest(name: input.name, strategy: strategy, count: input.count, seed: input.seed ?? 42, space: input.space,
                                         filter: input.filter?.rowFilter ?? RowFilter(), excludeNearDuplicates: input.duplicateScore)
        if request.space == nil, input.strategy == "cluster" || input.strategy == "diverse" || input.duplicateScore != nil {
            throw APIError.validation("Strategy '\(input.strategy)'\(input.duplicateScore != nil ? " with duplicate exclusion" : "") needs a 'space'.")
        }
        return request
    }
}
