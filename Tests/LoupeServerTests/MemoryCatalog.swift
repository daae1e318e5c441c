import Foundation
import LoupeServer
import NIOCore

/// An in-memory ``CatalogService`` for testing the HTTP layer alone (the Hummingbird examples'
/// memory repository): exact cosine search, NDJSON parsing, jobs that finish at once. The real
/// catalog is tested through the same routes in `CatalogRouteTests`.
actor MemoryCatalog: CatalogService {
    private var datasets: [APIDataset] = []
    private var rows: [String: [APIRow]] = [:]  // by dataset id
    private var spaces: [APISpace] = []
    private var vectors: [String: [String: [Float]]] = [:]  // space id → row id → vector
    private var jobs: [APIJob] = []
    private var selections: [APISelection] = []
    private var slices: [APISlice] = []
    private var counter = 0

    private func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    private func datasetIndex(_ id: String) throws -> Int {
        guard let index = datasets.firstIndex(where: { $0.id == id || $0.name == id }) else {
            throw APIError.notFound("No dataset '\(id)'.")
        }
        return index
    }

    // MARK: Datasets

    func createDataset(_ input: APIDatasetInput) throws -> APIDataset {
        guard !input.name.isEmpty else { throw APIError.validation("name is empty") }
        guard !datasets.contains(where: { $0.name == input.name }) else { throw APIError.conflict("Dataset '\(input.name)' exists.") }
        let dataset = APIDataset(id: nextID("d"), name: input.name, description: input.description, rowCount: 0, spaceCount: 0, created: Date())
        datasets.append(dataset)
        rows[dataset.id] = []
        return dataset
    }

    func listDatasets() -> [APIDataset] { datasets.map(counted) }

    func dataset(id: String) throws -> APIDataset { counted(datasets[try datasetIndex(id)]) }

    private func counted(_ dataset: APIDataset) -> APIDataset {
        var dataset = dataset
        dataset.rowCount = rows[dataset.id]?.count ?? 0
        dataset.spaceCount = spaces.filter { $0.dataset == dataset.id }.count
        return dataset
    }

    func deleteDataset(id: String) throws {
        let index = try datasetIndex(id)
        let dataset = datasets.remove(at: index)
        rows[dataset.id] = nil
        for space in spaces where space.dataset == dataset.id { vectors[space.id] = nil }
        spaces.removeAll { $0.dataset == dataset.id }
    }

    // MARK: Rows

    private func makeRow(_ input: APIRowInput) -> APIRow {
        APIRow(
            id: input.id ?? nextID("r"), globalKey: input.globalKey, rowData: input.rowData,
            mediaType: input.mediaType ?? "text", metadata: input.metadata ?? [:],
            labels: (input.labels ?? []).map { APILabel(class: $0) }, metrics: [:])
    }

    func createRows(dataset: String, rows inputs: [APIRowInput]) throws -> [APIRow] {
        let id = datasets[try datasetIndex(dataset)].id
        let made = inputs.map(makeRow)
        for row in made { upsert(row, in: id) }
        return made
    }

    private func upsert(_ row: APIRow, in dataset: String) {
        if let index = rows[dataset]?.firstIndex(where: { $0.id == row.id }) {
            rows[dataset]?[index] = row
        } else {
            rows[dataset, default: []].append(row)
        }
    }

    func importRows(dataset: String, format: RowImportFormat, body: ByteChunks) async throws -> APIImportReport {
        let id = datasets[try datasetIndex(dataset)].id
        let lines = try await Self.lines(body)
        var report = APIImportReport(imported: 0, failed: 0, errors: [], errorsTruncated: false)
        var header: [String] = []
        for (number, line) in lines.enumerated() where !line.isEmpty {
            switch format {
            case .ndjson:
                do {
                    upsert(makeRow(try JSONDecoder().decode(APIRowInput.self, from: Data(line.utf8))), in: id)
                    report.imported += 1
                } catch {
                    report.failed += 1
                    report.errors.append(.init(line: number + 1, message: "bad JSON"))
                }
            case .csv:
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if header.isEmpty {
                    header = fields
                    continue
                }
                guard fields.count == header.count, let dataIndex = header.firstIndex(of: "rowData") else {
                    report.failed += 1
                    report.errors.append(.init(line: number + 1, message: "expected \(header.count) fields"))
                    continue
                }
                let rowID = header.firstIndex(of: "id").map { fields[$0] }
                upsert(makeRow(APIRowInput(id: rowID, rowData: fields[dataIndex])), in: id)
                report.imported += 1
            }
        }
        return report
    }

    static func lines(_ body: ByteChunks) async throws -> [String] {
        let all = try await body.collect(upTo: .max)
        guard let text = String(validating: all.readableBytesView, as: UTF8.self) else { throw APIError.invalid("not UTF-8") }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func row(dataset: String, id: String) throws -> APIRow {
        let datasetID = datasets[try datasetIndex(dataset)].id
        guard let row = rows[datasetID]?.first(where: { $0.id == id || $0.globalKey == id }) else {
            throw APIError.notFound("No row '\(id)'.")
        }
        return row
    }

    private func passes(_ row: APIRow, _ filter: APIRowFilter) -> Bool {
        if let labels = filter.labels, !labels.isEmpty, !row.labels.contains(where: { labels.contains($0.class) }) { return false }
        if let selection = filter.selection, let saved = selections.first(where: { $0.id == selection }), !saved.rows.contains(row.id) {
            return false
        }
        for (field, condition) in filter.metadata ?? [:] {
            if let equals = condition.equals, row.metadata[field] != equals { return false }
        }
        return true
    }

    func listRows(dataset: String, filter: APIRowFilter, offset: Int, limit: Int) throws -> APIRowPage {
        let datasetID = datasets[try datasetIndex(dataset)].id
        let matching = (rows[datasetID] ?? []).filter { passes($0, filter) }
        let page = Array(matching.dropFirst(offset).prefix(limit))
        return APIRowPage(rows: page, total: matching.count, nextOffset: offset + limit < matching.count ? offset + limit : nil)
    }

    func deleteRow(dataset: String, id: String) throws {
        let row = try row(dataset: dataset, id: id)
        let datasetID = datasets[try datasetIndex(dataset)].id
        rows[datasetID]?.removeAll { $0.id == row.id }
        for space in spaces where space.dataset == datasetID { vectors[space.id]?[row.id] = nil }
    }

    // MARK: Spaces and vectors

    func createSpace(dataset: String, input: APISpaceInput) throws -> APISpace {
        let datasetID = datasets[try datasetIndex(dataset)].id
        guard let dims = input.dims, (1...4096).contains(dims) else { throw APIError.validation("dims must be in 1…4096") }
        let space = APISpace(
            id: nextID("s"), dataset: datasetID, name: input.name, dims: dims, metric: input.metric ?? "cosine", model: input.model,
            index: input.index ?? "flat", vectorCount: 0, created: Date())
        spaces.append(space)
        vectors[space.id] = [:]
        return space
    }

    func listSpaces(dataset: String) throws -> [APISpace] {
        let datasetID = datasets[try datasetIndex(dataset)].id
        return try spaces.filter { $0.dataset == datasetID }.map { try space(id: $0.id) }
    }

    func space(id: String) throws -> APISpace {
        guard var space = spaces.first(where: { $0.id == id }) else { throw APIError.notFound("No space '\(id)'.") }
        space.vectorCount = vectors[id]?.count ?? 0
        return space
    }

    func deleteSpace(id: String) throws {
        _ = try space(id: id)
        spaces.removeAll { $0.id == id }
        vectors[id] = nil
    }

    private struct VectorLine: Decodable {
        var id: String?
        var global_key: String?
        var vector: [Float]
    }

    func importVectors(space: String, ndjson: ByteChunks) async throws -> APIImportReport {
        let target = try self.space(id: space)
        var report = APIImportReport(imported: 0, failed: 0, errors: [], errorsTruncated: false)
        for (number, line) in try await Self.lines(ndjson).enumerated() where !line.isEmpty {
            do {
                let parsed = try JSONDecoder().decode(VectorLine.self, from: Data(line.utf8))
                try store(parsed.vector, for: parsed.id ?? parsed.global_key ?? "", in: target)
                report.imported += 1
            } catch {
                report.failed += 1
                report.errors.append(.init(line: number + 1, message: (error as? APIError)?.message ?? "bad JSON"))
            }
        }
        return report
    }

    private func store(_ vector: [Float], for rowID: String, in space: APISpace) throws {
        guard vector.count == space.dims else { throw APIError.validation("expected \(space.dims) dimensions, got \(vector.count)") }
        guard vector.allSatisfy(\.isFinite) else { throw APIError.validation("NaN or Inf") }
        guard let row = rows[space.dataset]?.first(where: { $0.id == rowID || $0.globalKey == rowID }) else {
            throw APIError.validation("unknown row '\(rowID)'")
        }
        vectors[space.id, default: [:]][row.id] = vector
    }

    func importVectors(space: String, npy: ByteChunks, ids: [String]) async throws -> APIImportReport {
        let target = try self.space(id: space)
        let all = try await npy.collect(upTo: .max)
        let bytes = Array(all.readableBytesView)
        guard bytes.count >= 10, bytes[0] == 0x93, bytes[1...5].elementsEqual("NUMPY".utf8) else {
            throw APIError.invalid("not a .npy file")
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let dataStart = 10 + headerLength
        let count = (bytes.count - dataStart) / 4 / target.dims
        guard count == ids.count else { throw APIError.validation("\(count) vectors but \(ids.count) ids") }
        var report = APIImportReport(imported: 0, failed: 0, errors: [], errorsTruncated: false)
        for (row, id) in ids.enumerated() {
            let vector = (0..<target.dims).map { d -> Float in
                let offset = dataStart + (row * target.dims + d) * 4
                var bits = UInt32(bytes[offset])
                bits |= UInt32(bytes[offset + 1]) << 8
                bits |= UInt32(bytes[offset + 2]) << 16
                bits |= UInt32(bytes[offset + 3]) << 24
                return Float(bitPattern: bits)
            }
            do {
                try store(vector, for: id, in: target)
                report.imported += 1
            } catch {
                report.failed += 1
                report.errors.append(.init(line: row + 1, message: (error as? APIError)?.message ?? "\(error)"))
            }
        }
        return report
    }

    func startVectorImport(space: String, ndjsonFile: URL) async throws -> APIJob {
        let data = try Data(contentsOf: ndjsonFile)
        try? FileManager.default.removeItem(at: ndjsonFile)
        let report = try await importVectors(space: space, ndjson: ByteChunks(ByteBuffer(bytes: data)))
        let job = APIJob(
            id: nextID("j"), kind: "import-vectors", state: "succeeded", done: report.imported + report.failed,
            total: report.imported + report.failed, error: nil, target: space, created: Date(), updated: Date(), report: report)
        jobs.insert(job, at: 0)
        return job
    }

    func startEmbedding(space: String) throws -> APIJob {
        let target = try self.space(id: space)
        guard target.model != nil else { throw APIError.conflict("Space '\(space)' has no model.") }
        let job = APIJob(
            id: nextID("j"), kind: "embed", state: "running", done: 0, total: rows[target.dataset]?.count, error: nil, target: space,
            created: Date(), updated: Date(), report: nil)
        jobs.insert(job, at: 0)
        return job
    }

    // MARK: Search

    func search(space: String, request: APISearchRequest, image: Data?) throws -> APISearchResponse {
        let target = try self.space(id: space)
        let stored = vectors[space] ?? [:]
        var query: [Float]
        if let vector = request.vector {
            guard vector.count == target.dims else { throw APIError.validation("expected \(target.dims) dimensions, got \(vector.count)") }
            query = vector
        } else if let positive = request.positive {
            query = [Float](repeating: 0, count: target.dims)
            for id in positive {
                guard let vector = stored[id] else { throw APIError.notFound("No vector for row '\(id)'.") }
                for d in 0..<target.dims { query[d] += vector[d] }
            }
        } else {
            throw APIError(.serviceUnavailable, .unavailable, "No text or image encoder in the memory catalog.")
        }
        let allowed = Set((rows[target.dataset] ?? []).filter { passes($0, request.filter ?? APIRowFilter()) }.map(\.id))
        var scored: [(id: String, score: Float)] = []
        for (id, vector) in stored where allowed.contains(id) { scored.append((id, Self.cosine(query, vector))) }
        scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        let k = request.k ?? 10
        let offset = request.offset ?? 0
        let minScore = request.minScore ?? -.infinity
        let passing = scored.filter { $0.score >= minScore }
        let page = passing.dropFirst(offset).prefix(k)
        let rowsByID = Dictionary((rows[target.dataset] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return APISearchResponse(
            hits: page.map { APIHit(id: $0.id, score: $0.score, distance: 1 - $0.score, row: request.includeRows == false ? nil : rowsByID[$0.id]) },
            exact: true, candidatesScored: scored.count, k: k, offset: offset,
            nextOffset: offset + k < passing.count ? offset + k : nil, threshold: request.minScore)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return na == 0 || nb == 0 ? 0 : dot / (na * nb).squareRoot()
    }

    func infer(text: String, model: String?) throws -> APIInferResponse {
        throw APIError(.serviceUnavailable, .unavailable, "No text encoder in the memory catalog.")
    }

    func infer(image: Data, model: String?) throws -> APIInferResponse {
        throw APIError.validation("The body is not an image this server can decode.")
    }

    // MARK: Jobs

    func listJobs() -> [APIJob] { jobs }

    func job(id: String) throws -> APIJob {
        guard let job = jobs.first(where: { $0.id == id }) else { throw APIError.notFound("No job '\(id)'.") }
        return job
    }

    func cancelJob(id: String) throws -> APIJob {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { throw APIError.notFound("No job '\(id)'.") }
        guard jobs[index].state == "running" || jobs[index].state == "queued" else {
            throw APIError.conflict("Job '\(id)' already \(jobs[index].state).")
        }
        jobs[index].state = "cancelled"
        return jobs[index]
    }

    // MARK: Export

    func export(dataset: String, filter: APIRowFilter, spaces names: [String]) throws -> ByteChunks {
        let datasetID = datasets[try datasetIndex(dataset)].id
        for name in names { _ = try space(id: name) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var buffer = ByteBuffer()
        for row in rows[datasetID] ?? [] where passes(row, filter) {
            var line = try JSONSerialization.jsonObject(with: encoder.encode(row)) as? [String: Any] ?? [:]
            var embeddings: [String: [Float]] = [:]
            for name in names { embeddings[name] = vectors[name]?[row.id] }
            if !names.isEmpty { line["embeddings"] = embeddings }
            buffer.writeBytes(try JSONSerialization.data(withJSONObject: line, options: .sortedKeys))
            buffer.writeString("\n")
        }
        return ByteChunks(buffer)
    }

    // MARK: Annotations

    func addLabels(dataset: String, labels: [APILabelInput]) throws -> Int {
        let datasetID = datasets[try datasetIndex(dataset)].id
        for label in labels {
            guard let index = rows[datasetID]?.firstIndex(where: { $0.id == label.row }) else {
                throw APIError.notFound("No row '\(label.row)'.")
            }
            rows[datasetID]?[index].labels.append(APILabel(class: label.class, confidence: label.confidence))
        }
        return labels.count
    }

    func classCounts(dataset: String) throws -> [APIClassCount] {
        let datasetID = datasets[try datasetIndex(dataset)].id
        var counts: [String: Int] = [:]
        for row in rows[datasetID] ?? [] { for name in Set(row.labels.map(\.class)) { counts[name, default: 0] += 1 } }
        return counts.sorted { $0.key < $1.key }.map { APIClassCount(class: $0.key, count: $0.value) }
    }

    func setMetrics(dataset: String, metrics: [APIMetricInput]) throws -> Int {
        let datasetID = datasets[try datasetIndex(dataset)].id
        for metric in metrics {
            guard let index = rows[datasetID]?.firstIndex(where: { $0.id == metric.row }) else {
                throw APIError.notFound("No row '\(metric.row)'.")
            }
            rows[datasetID]?[index].metrics[metric.name] = metric.value
        }
        return metrics.count
    }

    func metricSummaries(dataset: String) throws -> [APIMetricSummary] {
        let datasetID = datasets[try datasetIndex(dataset)].id
        var values: [String: [Double]] = [:]
        for row in rows[datasetID] ?? [] { for (name, value) in row.metrics { values[name, default: []].append(value) } }
        return values.sorted { $0.key < $1.key }.map {
            APIMetricSummary(
                name: $0.key, count: $0.value.count, min: $0.value.min() ?? 0, max: $0.value.max() ?? 0,
                mean: $0.value.reduce(0, +) / Double($0.value.count))
        }
    }

    func createSelection(dataset: String, input: APISelectionInput) throws -> APISelection {
        let datasetID = datasets[try datasetIndex(dataset)].id
        let selection = APISelection(id: nextID("sel"), dataset: datasetID, name: input.name, rows: input.rows, created: Date())
        selections.append(selection)
        return selection
    }

    func listSelections(dataset: String) throws -> [APISelection] {
        let datasetID = datasets[try datasetIndex(dataset)].id
        return selections.filter { $0.dataset == datasetID }
    }

    func selection(dataset: String, id: String) throws -> APISelection {
        guard let selection = try listSelections(dataset: dataset).first(where: { $0.id == id }) else {
            throw APIError.notFound("No selection '\(id)'.")
        }
        return selection
    }

    func deleteSelection(dataset: String, id: String) throws {
        _ = try selection(dataset: dataset, id: id)
        selections.removeAll { $0.id == id }
    }

    func createSlice(dataset: String, input: APISliceInput) throws -> APISlice {
        let datasetID = datasets[try datasetIndex(dataset)].id
        let count = (rows[datasetID] ?? []).filter { passes($0, input.filter) }.count
        let slice = APISlice(id: nextID("sl"), dataset: datasetID, name: input.name, filter: input.filter, rowCount: count, created: Date())
        slices.append(slice)
        return slice
    }

    func listSlices(dataset: String) throws -> [APISlice] {
        let datasetID = datasets[try datasetIndex(dataset)].id
        return slices.filter { $0.dataset == datasetID }
    }

    func slice(dataset: String, id: String) throws -> APISlice {
        guard let slice = try listSlices(dataset: dataset).first(where: { $0.id == id }) else { throw APIError.notFound("No slice '\(id)'.") }
        return slice
    }

    func deleteSlice(dataset: String, id: String) throws {
        _ = try slice(dataset: dataset, id: id)
        slices.removeAll { $0.id == id }
    }
}
