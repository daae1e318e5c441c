import Hummingbird

/// Labels, metrics, selections and slices of a dataset, under `/v1/datasets/{dataset}`: reading
/// needs `read`, adding and deleting `write`.
public struct AnnotationController<Repository: AnnotationRepository>: Sendable {
    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get("labels", use: classCounts)
        group.get("metrics", use: metricSummaries)
        group.get("selections", use: listSelections)
        group.get("selections/:selection", use: selection)
        group.get("slices", use: listSlices)
        group.get("slices/:slice", use: slice)
        let write = group.group().add(middleware: RequireScope(.write))
        write.post("labels", use: addLabels)
        write.post("metrics", use: setMetrics)
        write.post("selections", use: createSelection)
        write.delete("selections/:selection", use: deleteSelection)
        write.post("slices", use: createSlice)
        write.delete("slices/:slice", use: deleteSlice)
    }

    /// How many labels or metric values a batch stored.
    struct Stored: ResponseCodable {
        let stored: Int
    }

    @Sendable func addLabels(_ request: Request, context: LoupeRequestContext) async throws -> Stored {
        let batch = try await request.decodeJSON(APILabelBatch.self, context: context)
        for (index, label) in batch.labels.enumerated() {
            if label.class.trimmingCharacters(in: .whitespaces).isEmpty {
                throw APIError.validation("labels[\(index)]: 'class' is empty.")
            }
            if let confidence = label.confidence, !(0...1).contains(confidence) {
                throw APIError.validation("labels[\(index)]: 'confidence' must be in 0…1, got \(confidence).")
            }
        }
        return Stored(stored: try await repository.addLabels(dataset: context.parameters.decoded("dataset"), labels: batch.labels))
    }

    @Sendable func classCounts(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APIClassCount> {
        APIList(try await repository.classCounts(dataset: context.parameters.decoded("dataset")))
    }

    @Sendable func setMetrics(_ request: Request, context: LoupeRequestContext) async throws -> Stored {
        let batch = try await request.decodeJSON(APIMetricBatch.self, context: context)
        for (index, metric) in batch.metrics.enumerated() {
            if metric.name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw APIError.validation("metrics[\(index)]: 'name' is empty.")
            }
            if !metric.value.isFinite { throw APIError.validation("metrics[\(index)]: 'value' is not finite.") }
        }
        return Stored(stored: try await repository.setMetrics(dataset: context.parameters.decoded("dataset"), metrics: batch.metrics))
    }

    @Sendable func metricSummaries(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APIMetricSummary> {
        APIList(try await repository.metricSummaries(dataset: context.parameters.decoded("dataset")))
    }

    @Sendable func createSelection(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APISelection> {
        let input = try await request.decodeJSON(APISelectionInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await repository.createSelection(dataset: context.parameters.decoded("dataset"), input: input))
    }

    @Sendable func listSelections(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APISelection> {
        APIList(try await repository.listSelections(dataset: context.parameters.decoded("dataset")))
    }

    @Sendable func selection(_ request: Request, context: LoupeRequestContext) async throws -> APISelection {
        try await repository.selection(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("selection"))
    }

    @Sendable func deleteSelection(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSelection(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("selection"))
        return .noContent
    }

    @Sendable func createSlice(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APISlice> {
        let input = try await request.decodeJSON(APISliceInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await repository.createSlice(dataset: context.parameters.decoded("dataset"), input: input))
    }

    @Sendable func listSlices(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APISlice> {
        APIList(try await repository.listSlices(dataset: context.parameters.decoded("dataset")))
    }

    @Sendable func slice(_ request: Request, context: LoupeRequestContext) async throws -> APISlice {
        try await repository.slice(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("slice"))
    }

    @Sendable func deleteSlice(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSlice(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("slice"))
        return .noContent
    }
}
