import Catalog
import Hummingbird

/// Labels, metrics, selections and slices of a dataset, under `/v1/datasets/{dataset}`: reading
/// needs `read`, adding and deleting `write`.
public struct AnnotationController<Repository: AnnotationRepository>: Sendable {
    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get("labels", use: labelCounts)
        group.get("metrics", use: metricSummaries)
        group.get("selections", use: listSelections)
        group.get("selections/:selection", use: selection)
        group.get("slices", use: listSlices)
        group.get("slices/:slice", use: slice)
        let write = group.group().add(middleware: RequireScope(.write))
        write.post("labels", use: putLabels)
        write.post("metrics", use: putMetrics)
        write.post("selections", use: createSelection)
        write.delete("selections/:selection", use: deleteSelection)
        write.post("slices", use: createSlice)
        write.delete("slices/:slice", use: deleteSlice)
    }

    /// Labels and predictions; bad ones are reported by 1-based position.
    @Sendable func putLabels(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let batch = try await request.decodeJSON(APILabelBatch.self, context: context)
        return try await repository.putLabels(batch.labels.map(\.rowLabel), in: context.parameters.decoded("dataset"))
    }

    @Sendable func labelCounts(_ request: Request, context: LoupeRequestContext) async throws -> APIList<LabelCount> {
        APIList(try await repository.labelCounts(in: context.parameters.decoded("dataset")))
    }

    /// Metric values; bad ones (unknown rows, non-finite values) are reported by 1-based position.
    @Sendable func putMetrics(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let batch = try await request.decodeJSON(APIMetricBatch.self, context: context)
        return try await repository.putMetrics(batch.metrics.map(\.rowMetric), in: context.parameters.decoded("dataset"))
    }

    @Sendable func metricSummaries(_ request: Request, context: LoupeRequestContext) async throws -> APIList<MetricSummary> {
        APIList(try await repository.metricSummaries(in: context.parameters.decoded("dataset")))
    }

    @Sendable func createSelection(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Selection> {
        let input = try await request.decodeJSON(APISelectionInput.self, context: context)
        return EditedResponse(
            status: .created,
            response: try await repository.createSelection(name: input.name, rowIDs: input.rowIds, in: context.parameters.decoded("dataset")))
    }

    @Sendable func listSelections(_ request: Request, context: LoupeRequestContext) async throws -> APIList<Selection> {
        APIList(try await repository.selections(in: context.parameters.decoded("dataset")))
    }

    @Sendable func selection(_ request: Request, context: LoupeRequestContext) async throws -> Selection {
        try await repository.selection(context.parameters.decoded("selection"), in: context.parameters.decoded("dataset"))
    }

    @Sendable func deleteSelection(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSelection(context.parameters.decoded("selection"), in: context.parameters.decoded("dataset"))
        return .noContent
    }

    @Sendable func createSlice(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Slice> {
        let input = try await request.decodeJSON(APISliceInput.self, context: context)
        return EditedResponse(
            status: .created,
            response: try await repository.createSlice(name: input.name, filter: input.filter.rowFilter, in: context.parameters.decoded("dataset")))
    }

    @Sendable func listSlices(_ request: Request, context: LoupeRequestContext) async throws -> APIList<Slice> {
        APIList(try await repository.slices(in: context.parameters.decoded("dataset")))
    }

    @Sendable func slice(_ request: Request, context: LoupeRequestContext) async throws -> Slice {
        try await repository.slice(context.parameters.decoded("slice"), in: context.parameters.decoded("dataset"))
    }

    @Sendable func deleteSlice(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSlice(context.parameters.decoded("slice"), in: context.parameters.decoded("dataset"))
        return .noContent
    }
}
