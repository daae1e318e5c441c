import Catalog
import Foundation
import Hummingbird

/// Clusters, projections, per-row scores, near-duplicates and metric aggregates (the catalog's
/// ``CurationRepository``):
/// - `POST …/spaces/{space}/clusters` (write), `GET …/clusters`, `GET …/clusters/{cluster}`,
///   `GET …/cluster-assignments` (read);
/// - `POST …/spaces/{space}/projection` (write);
/// - `POST …/spaces/{space}/scores`, `POST …/spaces/{space}/label-mistakes` (write): jobs;
/// - `POST …/spaces/{space}/duplicates`, `POST /v1/datasets/{dataset}/duplicates/texts`,
///   `POST /v1/datasets/{dataset}/duplicates/images` (read);
/// - `POST /v1/datasets/{dataset}/metrics/aggregate` (read).
public struct CurationController<Service: CurationRepository>: Sendable {
    let service: Service

    public init(service: Service) { self.service = service }

    /// Adds the routes: `spaces` is mounted at `/v1/datasets/{dataset}/spaces`, `datasets` at
    /// `/v1/datasets/{dataset}` (both requiring `read`).
    public func addRoutes(spaces: RouterGroup<LoupeRequestContext>, datasets: RouterGroup<LoupeRequestContext>) {
        spaces.get(":space/clusters", use: clustering)
        spaces.get(":space/clusters/:cluster", use: cluster)
        spaces.get(":space/cluster-assignments", use: assignments)
        spaces.post(":space/duplicates", use: duplicates)
        let write = spaces.group().add(middleware: RequireScope(.write))
        write.post(":space/clusters", use: computeClusters)
        write.post(":space/projection", use: project)
        write.post(":space/scores", use: scores)
        write.post(":space/label-mistakes", use: labelMistakes)
        datasets.post("duplicates/texts", use: textDuplicates)
        datasets.post("duplicates/images", use: imageDuplicates)
        datasets.post("metrics/aggregate", use: aggregate)
    }

    private func names(_ context: LoupeRequestContext) throws -> (space: String, dataset: String) {
        (try context.parameters.decoded("space"), try context.parameters.decoded("dataset"))
    }

    @Sendable func computeClusters(_ request: Request, context: LoupeRequestContext) async throws -> SpaceClustering {
        let input = try await request.decodeJSON(APIClusterRequest.self, context: context)
        let (space, dataset) = try names(context)
        return try await service.cluster(space: space, in: dataset, algorithm: try input.clusteringAlgorithm(), seed: input.seed ?? 42)
    }

    @Sendable func clustering(_ request: Request, context: LoupeRequestContext) async throws -> SpaceClustering {
        let (space, dataset) = try names(context)
        return try await service.clustering(space: space, in: dataset)
    }

    @Sendable func cluster(_ request: Request, context: LoupeRequestContext) async throws -> ClusterInfo {
        let (space, dataset) = try names(context)
        let text = try context.parameters.decoded("cluster")
        let clustering = try await service.clustering(space: space, in: dataset)
        guard let id = Int(text), let found = clustering.clusters.first(where: { $0.id == id }) else {
            throw APIError.notFound("Space '\(space)' has no cluster '\(text)' (it has \(clustering.clusters.count)).")
        }
        return found
    }

    @Sendable func assignments(_ request: Request, context: LoupeRequestContext) async throws -> APIClusterAssignments {
        let (space, dataset) = try names(context)
        let (ids, clusters) = try await service.clusterAssignments(space: space, in: dataset)
        return APIClusterAssignments(ids: ids, clusters: clusters)
    }

    @Sendable func project(_ request: Request, context: LoupeRequestContext) async throws -> ProjectionSummary {
        let input = request.headers[.contentLength] == "0" || request.mediaType == nil
            ? APIProjectionRequest() : try await request.decodeJSON(APIProjectionRequest.self, context: context)
        guard let method = ProjectionMethod(rawValue: input.method ?? "pca") else {
            throw APIError.validation("'method' must be pca or umap, got '\(input.method ?? "")'.")
        }
        let (space, dataset) = try names(context)
        return try await service.project(space: space, in: dataset, method: method, seed: input.seed ?? 42)
    }

    @Sendable func scores(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Job> {
        let input = try await optionalBody(request, context: context)
        let (space, dataset) = try names(context)
        return EditedResponse(status: .accepted, response: try await service.computeRowScores(space: space, in: dataset, k: input.k ?? 15))
    }

    @Sendable func labelMistakes(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Job> {
        let input = try await optionalBody(request, context: context)
        let (space, dataset) = try names(context)
        return EditedResponse(status: .accepted, response: try await service.computeLabelMistakes(space: space, in: dataset, k: input.k ?? 30))
    }

    private func optionalBody(_ request: Request, context: LoupeRequestContext) async throws -> APIScoresRequest {
        request.headers[.contentLength] == "0" || request.mediaType == nil
            ? APIScoresRequest() : try await request.decodeJSON(APIScoresRequest.self, context: context)
    }

    @Sendable func duplicates(_ request: Request, context: LoupeRequestContext) async throws -> DuplicateReport {
        let input = try await request.decodeJSON(APIDuplicatesRequest.self, context: context)
        let (space, dataset) = try names(context)
        return try await service.nearDuplicates(space: space, in: dataset, threshold: input.threshold, filter: input.filter?.rowFilter ?? RowFilter())
    }

    @Sendable func textDuplicates(_ request: Request, context: LoupeRequestContext) async throws -> DuplicateReport {
        let input = try await request.decodeJSON(APIDuplicatesRequest.self, context: context)
        return try await service.nearDuplicateTexts(in: context.parameters.decoded("dataset"), threshold: input.threshold,
                                                    filter: input.filter?.rowFilter ?? RowFilter())
    }

    @Sendable func imageDuplicates(_ request: Request, context: LoupeRequestContext) async throws -> DuplicateReport {
        let input = try await request.decodeJSON(APIImageDuplicatesRequest.self, context: context)
        let dataset = try context.parameters.decoded("dataset"), filter = input.filter?.rowFilter ?? RowFilter()
        switch (input.threshold, input.maxDistance) {
        case (let threshold?, nil):
            return try await service.nearDuplicateImages(in: dataset, threshold: threshold, filter: filter)
        case (nil, let maxDistance?):
            return try await service.nearDuplicateImages(in: dataset, maxDistance: maxDistance, filter: filter)
        default:
            throw APIError.validation("Give one of 'threshold' (pixel correlation, e.g. 0.99) or 'max_distance' (pHash bits, e.g. 6).")
        }
    }

    @Sendable func aggregate(_ request: Request, context: LoupeRequestContext) async throws -> MetricAggregation {
        let input = try await request.decodeJSON(APIMetricAggregateRequest.self, context: context)
        return try await service.aggregateMetric(input.name, className: input.className, kind: input.kind, filter: input.filter?.rowFilter ?? RowFilter(),
                                                 skipNonPositive: input.skipNonPositive ?? false, in: context.parameters.decoded("dataset"))
    }
}
