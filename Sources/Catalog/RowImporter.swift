import Foundation

/// Reads rows from NDJSON, CSV or a folder of files and stores them in batches, reporting each
/// bad line.
struct RowImporter {
    let catalog: Catalog
    let dataset: Dataset
    let progress: ProgressHandler?

    /// Rows per commit.
    static let batchSize = 2000

    /// File extensions taken as images and as texts.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"]
    static let textExtensions: Set<String> = ["txt", "md", "text"]

    /// The media type a path's extension suggests (text when unknown).
    static func mediaType(guessedFrom rowData: String) -> MediaType {
        let ext = (rowData as NSString).pathExtension.lowercased()
        return imageExtensions.contains(ext) ? .image : .text
    }

    /// What an NDJSON line (an export line, say) carries besides the row: predictions, metrics
    /// and embeddings by space name. Applied once the row is stored.
    struct Extras: Sendable {
        var predictions: [Label] = []
        var metrics: [RowMetric] = []
        var embeddings: [(space: String, vector: [Float])] = []
        var isEmpty: Bool { predictions.isEmpty && metrics.isEmpty && embeddings.isEmpty }
    }

    /// Collects rows and commits them a batch at a time.
    private struct Batcher {
        let importer: RowImporter
        var preparation: RowPreparation
        var pending: [(line: Int, row: NewDataRow)] = []
        var extras: [(line: Int, rowID: String, extras: Extras)] = []
        var report = ImportReport()

        init(importer: RowImporter) {
            self.importer = importer
            preparation = RowPreparation(schema: importer.dataset.fields)
        }

        mutating func add(_ row: NewDataRow, line: Int) async throws {
            report.read += 1
            pending.append((line, row))
            if pending.count >= RowImporter.batchSize { try await flush() }
        }

        mutating func reject(_ error: LineError) {
            report.read += 1
            report.reject(error)
        }

        mutating func flush() async throws {
            guard !pending.isEmpty else { return }
            let rejectedBefore = Set(report.errors.map(\.line))
            report.stored += try await importer.catalog.storePrepared(pending, dataset: importer.dataset,
                                                                      preparation: &preparation, report: &report)
            pending.removeAll(keepingCapacity: true)
            let failed = Set(report.errors.map(\.line)).subtracting(rejectedBefore)
            try await applyExtras(extras.filter { !failed.contains($0.line) })
            extras.removeAll(keepingCapacity: true)
        }

        /// Stores the predictions, metrics and embeddings of rows that landed; a vector for a
        /// space the dataset lacks, or one that does not fit its space, is a line error.
        private mutating func applyExtras(_ items: [(line: Int, rowID: String, extras: Extras)]) async throws {
            guard !items.isEmpty else { return }
            let catalog = importer.catalog
            let dataset = importer.dataset.id
            let labels = items.flatMap { item in item.extras.predictions.map { RowLabel(rowID: item.rowID, label: $0) } }
            let labelLines = items.flatMap { item in item.extras.predictions.map { _ in item.line } }
            for error in try await catalog.putLabels(labels, in: dataset).errors {
                report.reject(LineError(line: labelLines[error.line - 1], reason: error.reason))
            }
            let metrics = items.flatMap(\.extras.metrics)
            let metricLines = items.flatMap { item in item.extras.metrics.map { _ in item.line } }
            for error in try await catalog.putMetrics(metrics, in: dataset).errors {
                report.reject(LineError(line: metricLines[error.line - 1], reason: error.reason))
            }
            var bySpace: [String: [(line: Int, key: String, vector: [Float])]] = [:]
            for item in items {
                for (space, vector) in item.extras.embeddings { bySpace[space, default: []].append((item.line, item.rowID, vector)) }
            }
            for (space, entries) in bySpace.sorted(by: { $0.key < $1.key }) {
                do {
                    _ = try await catalog.space(space, in: dataset)
                } catch let error as CatalogError where error.code == .notFound {
                    for entry in entries { report.reject(LineError(line: entry.line, reason: "the dataset has no space '\(space)' for this row's embedding")) }
                    continue
                }
                let result = try await catalog.putVectors(entries.map { ($0.key, $0.vector) }, into: space, in: dataset)
                for error in result.errors {
                    report.reject(LineError(line: entries[error.line - 1].line, reason: "embedding in '\(space)': \(error.reason)"))
                }
            }
        }

        mutating func finish(start: ContinuousClock.Instant) async throws -> ImportReport {
            try await flush()
            report.sortErrors()
            report.seconds = start.duration(to: .now).seconds
            return report
        }
    }

    // MARK: NDJSON

    func importNDJSON(path: String) async throws -> ImportReport {
        let start = ContinuousClock.now
        var lines = try LineReader(path: path)
        var batcher = Batcher(importer: self)
        while let line = try lines.next() {
            let number = lines.lineNumber
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch Self.row(fromJSONLine: Data(line)) {
            case .success(var (row, extras)):
                if !extras.isEmpty {
                    let id = row.id ?? Identifiers.make()
                    row.id = id
                    for index in extras.metrics.indices { extras.metrics[index].rowID = id }
                    batcher.extras.append((number, id, extras))
                }
                try await batcher.add(row, line: number)
            case .failure(let reason): batcher.reject(LineError(line: number, reason: reason.message))
            }
            if number % 10_000 == 0 { report(lines.bytesRead, lines.totalBytes, batcher.report) }
        }
        return try await batcher.finish(start: start)
    }

    struct Reason: Error { var message: String }

    /// A row from one NDJSON object: `id`, `global_key`, `row_data` (or `text`, `path`, `uri`,
    /// `url`), `media_type`, `metadata` (an object of strings, numbers, booleans), `labels` (a
    /// string, or an array of class names or of label objects `{"class", "kind", "confidence",
    /// "source"}` as the export writes them), and the export's `metrics` and `embeddings`.
    static func row(fromJSONLine data: Data) -> Result<(NewDataRow, Extras), Reason> {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
                return .failure(Reason(message: "the line is not a JSON object"))
            }
            object = parsed
        } catch {
            return .failure(Reason(message: "bad JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")"))
        }
        func text(_ key: String) -> Result<String?, Reason> {
            switch object[key] {
            case nil, is NSNull: return .success(nil)
            case let value as String: return .success(value)
            case let value as NSNumber where !(value is Bool) && value.doubleValue.rounded() == value.doubleValue: return .success(value.stringValue)
            default: return .failure(Reason(message: "\"\(key)\" must be a string"))
            }
        }
        do {
            let id = try text("id").get()
            let globalKey = try text("global_key").get() ?? text("globalKey").get()
            guard let rowData = try ["row_data", "rowData", "text", "path", "uri", "url"].lazy.compactMap({ try text($0).get() }).first else {
                return .failure(Reason(message: "missing \"row_data\" (or \"text\", \"path\", \"uri\")" + (id.map { " in row '\($0)'" } ?? "")))
            }
            var mediaType = mediaType(guessedFrom: rowData)
            if object["text"] != nil && object["row_data"] == nil { mediaType = .text }
            if let given = try text("media_type").get() ?? text("mediaType").get() {
                guard let parsed = MediaType(rawValue: given.lowercased()) else {
                    return .failure(Reason(message: "media_type '\(given)' is not 'image' or 'text'"))
                }
                mediaType = parsed
            }
            var metadata: [String: MetadataValue] = [:]
            if let fields = object["metadata"] {
                guard let fields = fields as? [String: Any] else { return .failure(Reason(message: "\"metadata\" must be an object")) }
                for (name, value) in fields {
                    switch value {
                    case is NSNull: continue
                    case let flag as Bool: metadata[name] = .number(flag ? 1 : 0)
                    case let number as NSNumber: metadata[name] = .number(number.doubleValue)
                    case let string as String: metadata[name] = .string(string)
                    default: return .failure(Reason(message: "metadata field '\(name)' must be a string, number or boolean"))
                    }
                }
            }
            var labels: [String] = []
            var extras = Extras()
            switch object["labels"] ?? object["label"] {
            case nil, is NSNull: break
            case let label as String: labels = [label]
            case let list as [Any]:
                for item in list {
                    if let name = item as? String {
                        labels.append(name)
                    } else if let label = item as? [String: Any], let name = label["class"] as? String {
                        let kind = (label["kind"] as? String).flatMap(LabelKind.init(rawValue:)) ?? .groundTruth
                        if kind == .groundTruth && label["confidence"] == nil {
                            labels.append(name)
                        } else {
                            extras.predictions.append(Label(className: name, kind: kind, confidence: (label["confidence"] as? NSNumber)?.doubleValue,
                                                            source: label["source"] as? String))
                        }
                    } else {
                        return .failure(Reason(message: "\"labels\" must hold class names or objects with a \"class\""))
                    }
                }
            default: return .failure(Reason(message: "\"labels\" must be a string or an array"))
            }
            if let metrics = object["metrics"] {
                guard let list = metrics as? [[String: Any]] else { return .failure(Reason(message: "\"metrics\" must be an array of objects")) }
                for metric in list {
                    guard let name = metric["name"] as? String, let value = (metric["value"] as? NSNumber)?.doubleValue else {
                        return .failure(Reason(message: "a metric needs a \"name\" and a numeric \"value\""))
                    }
                    extras.metrics.append(RowMetric(rowID: id ?? "", name: name, className: metric["class"] as? String, value: value))
                }
            }
            if let embeddings = object["embeddings"] {
                guard let spaces = embeddings as? [String: Any] else { return .failure(Reason(message: "\"embeddings\" must be an object")) }
                for (space, value) in spaces.sorted(by: { $0.key < $1.key }) where !(value is NSNull) {
                    guard let numbers = value as? [NSNumber] else { return .failure(Reason(message: "embedding '\(space)' must be an array of numbers")) }
                    extras.embeddings.append((space, numbers.map { $0.floatValue }))
                }
            }
            return .success((NewDataRow(id: id, globalKey: globalKey, rowData: rowData, mediaType: mediaType, metadata: metadata, labels: labels), extras))
        } catch let reason as Reason {
            return .failure(reason)
        } catch {
            return .failure(Reason(message: "\(error)"))
        }
    }

    // MARK: CSV

    func importCSV(path: String, options: CSVRowOptions) async throws -> ImportReport {
        let start = ContinuousClock.now
        var reader = try CSVReader(path: path, delimiter: options.delimiter)
        guard case .success(let header)? = try reader.next() else { throw CatalogError.invalid("'\(path)' has no header line") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ given: String?, defaults: [String]) throws -> Int? {
            if let given {
                guard let index = columns.firstIndex(of: given) else { throw CatalogError.invalid("'\(path)' has no column '\(given)'; columns: \(columns.joined(separator: ", "))") }
                return index
            }
            return defaults.lazy.compactMap { columns.firstIndex(of: $0) }.first
        }
        let idColumn = try column(options.idColumn, defaults: ["id"])
        guard let dataColumn = try column(options.rowDataColumn, defaults: ["row_data", "path", "text", "uri", "url", "file"]) else {
            throw CatalogError.invalid("'\(path)' has no row data column (row_data, path, text, uri, url or file); name one")
        }
        let keyColumn = try column(options.globalKeyColumn, defaults: ["global_key"])
        let labelColumn = try column(options.labelColumn, defaults: ["labels", "label"])
        let mediaColumn = options.mediaType == nil ? try column(nil, defaults: ["media_type"]) : nil
        let special = Set([idColumn, dataColumn, keyColumn, labelColumn, mediaColumn].compactMap { $0 })
        let metadataColumns = columns.indices.filter { !special.contains($0) && !columns[$0].isEmpty }
        var batcher = Batcher(importer: self)
        // Declared types go into the schema first; the others are inferred from the first rows.
        let declared = Dictionary(options.schema.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var inference = ColumnTypeInference(columns: metadataColumns.map { columns[$0] }, declared: declared, known: dataset.fields)
        var buffered: [CSVReader.Record] = []
        func emit(_ record: CSVReader.Record, batcher: inout Batcher) async throws {
            guard record.fields.count == columns.count else {
                batcher.reject(LineError(line: record.line, reason: "\(record.fields.count) fields where the header has \(columns.count)"))
                return
            }
            let rowData = record.fields[dataColumn]
            var mediaType = options.mediaType ?? Self.mediaType(guessedFrom: rowData)
            if let mediaColumn, !record.fields[mediaColumn].isEmpty {
                guard let given = MediaType(rawValue: record.fields[mediaColumn].lowercased()) else {
                    batcher.reject(LineError(line: record.line, reason: "media_type '\(record.fields[mediaColumn])' is not 'image' or 'text'"))
                    return
                }
                mediaType = given
            }
            var metadata: [String: MetadataValue] = [:]
            for index in metadataColumns where !record.fields[index].isEmpty {
                metadata[columns[index]] = inference.value(record.fields[index], column: columns[index])
            }
            let labels = labelColumn.map { record.fields[$0].split(separator: options.labelSeparator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
            let id = idColumn.map { record.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            let key = keyColumn.map { record.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            try await batcher.add(NewDataRow(id: id, globalKey: key, rowData: rowData, mediaType: mediaType, metadata: metadata, labels: labels),
                                  line: record.line)
        }
        while let next = try reader.next() {
            switch next {
            case .failure(let error): batcher.reject(error)
            case .success(let record):
                if !inference.isSettled {
                    buffered.append(record)
                    if buffered.count >= ColumnTypeInference.sampleRows {
                        inference.settle(from: buffered.map { $0.fields }, indices: metadataColumns)
                        try await catalog.store.addFields(inference.schema, datasetID: dataset.id)
                        batcher.preparation = RowPreparation(schema: try await catalog.store.dataset(dataset.id).fields)
                        for record in buffered { try await emit(record, batcher: &batcher) }
                        buffered = []
                    }
                } else {
                    try await emit(record, batcher: &batcher)
                }
            }
            if reader.bytesRead % 64 == 0 { report(reader.bytesRead, reader.totalBytes, batcher.report) }
        }
        if !inference.isSettled {
            inference.settle(from: buffered.map { $0.fields }, indices: metadataColumns)
            try await catalog.store.addFields(inference.schema, datasetID: dataset.id)
            batcher.preparation = RowPreparation(schema: try await catalog.store.dataset(dataset.id).fields)
            for record in buffered { try await emit(record, batcher: &batcher) }
        }
        return try await batcher.finish(start: start)
    }

    // MARK: Folder

    func importFolder(path: String, options: FolderRowOptions) async throws -> ImportReport {
        let start = ContinuousClock.now
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CatalogError(.io, "'\(path)' is not a folder")
        }
        var sidecar: [String: (line: Int, metadata: [String: MetadataValue])] = [:]
        var batcher = Batcher(importer: self)
        let sidecarPath = options.sidecarPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let sidecarPath {
            let result = try Self.readSidecar(path: sidecarPath)
            sidecar = result.entries
            for error in result.errors { batcher.reject(error) }
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw CatalogError(.io, "cannot list '\(path)'")
        }
        var files: [(relative: String, url: URL)] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let standard = url.standardizedFileURL
            if standard.path == sidecarPath { continue }
            let ext = standard.pathExtension.lowercased()
            guard Self.imageExtensions.contains(ext) || Self.textExtensions.contains(ext) else { continue }
            let relative = String(standard.path.dropFirst(root.path.count).drop(while: { $0 == "/" }))
            files.append((relative, standard))
        }
        files.sort { $0.relative < $1.relative }
        var used = Set<String>()
        for (number, file) in files.enumerated() {
            let components = file.relative.split(separator: "/")
            let isImage = Self.imageExtensions.contains(file.url.pathExtension.lowercased())
            var rowData = file.url.path
            if !isImage && options.inlineTexts {
                guard let data = FileManager.default.contents(atPath: file.url.path), let text = String(data: data, encoding: .utf8) else {
                    batcher.reject(LineError(line: number + 1, reason: "'\(file.relative)' is not readable UTF-8 text"))
                    continue
                }
                rowData = text
            }
            let labels = options.labelsFromSubfolders && components.count > 1 ? [String(components[components.count - 2])] : []
            var metadata: [String: MetadataValue] = [:]
            let name = String(components.last ?? "")
            if let entry = sidecar[file.relative] ?? sidecar[name] {
                metadata = entry.metadata
                used.insert(sidecar[file.relative] != nil ? file.relative : name)
            }
            try await batcher.add(NewDataRow(id: file.relative, rowData: rowData, mediaType: isImage ? .image : .text,
                                             metadata: metadata, labels: labels), line: number + 1)
            if number % 1000 == 0 { report(number, files.count, batcher.report) }
        }
        for (key, entry) in sidecar where !used.contains(key) {
            batcher.report.reject(LineError(line: entry.line, reason: "the sidecar names '\(key)', which is not an image or text file in the folder"))
        }
        return try await batcher.finish(start: start)
    }

    /// A sidecar's metadata by file name: a CSV with a `file` (or `path`, `filename`, `id`)
    /// column, or NDJSON objects with such a key. Line errors are the sidecar's lines.
    static func readSidecar(path: String) throws -> (entries: [String: (line: Int, metadata: [String: MetadataValue])], errors: [LineError]) {
        var entries: [String: (line: Int, metadata: [String: MetadataValue])] = [:]
        var errors: [LineError] = []
        let keys = ["file", "path", "filename", "id"]
        if path.lowercased().hasSuffix(".csv") {
            var reader = try CSVReader(path: path, delimiter: ",")
            guard case .success(let header)? = try reader.next() else { throw CatalogError.invalid("the sidecar '\(path)' has no header line") }
            guard let keyColumn = keys.lazy.compactMap({ header.fields.firstIndex(of: $0) }).first else {
                throw CatalogError.invalid("the sidecar '\(path)' has no file, path, filename or id column")
            }
            while let next = try reader.next() {
                switch next {
                case .failure(let error): errors.append(error)
                case .success(let record):
                    guard record.fields.count == header.fields.count else {
                        errors.append(LineError(line: record.line, reason: "\(record.fields.count) fields where the header has \(header.fields.count)"))
                        continue
                    }
                    var metadata: [String: MetadataValue] = [:]
                    for (index, value) in record.fields.enumerated() where index != keyColumn && !value.isEmpty {
                        metadata[header.fields[index]] = Double(value).map(MetadataValue.number) ?? .string(value)
                    }
                    entries[record.fields[keyColumn]] = (record.line, metadata)
                }
            }
        } else {
            var lines = try LineReader(path: path)
            while let line = try lines.next() {
                if line.isEmpty { continue }
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                    errors.append(LineError(line: lines.lineNumber, reason: "bad JSON in the sidecar"))
                    continue
                }
                guard let key = keys.lazy.compactMap({ object[$0] as? String }).first else {
                    errors.append(LineError(line: lines.lineNumber, reason: "no \"file\" (or path, filename, id) in the sidecar line"))
                    continue
                }
                var metadata: [String: MetadataValue] = [:]
                let fields = (object["metadata"] as? [String: Any]) ?? object
                for (name, value) in fields where !keys.contains(name) {
                    if let number = value as? NSNumber { metadata[name] = .number(number.doubleValue) }
                    else if let string = value as? String { metadata[name] = .string(string) }
                }
                entries[key] = (lines.lineNumber, metadata)
            }
        }
        return (entries, errors)
    }

    private func report(_ done: Int, _ total: Int, _ report: ImportReport) {
        progress?(ImportProgress(done: done, total: total, stored: report.stored, rejected: report.rejected))
    }
}

/// Types of CSV columns: declared in a schema, already known to the dataset, or inferred from
/// the first `sampleRows` records (all numbers → number; all ISO 8601 dates → datetime; else
/// string).
struct ColumnTypeInference {
    static let sampleRows = 1000
    private let columns: [String]
    private var types: [String: FieldType] = [:]
    private(set) var isSettled = false
    private(set) var schema: [FieldSchema] = []

    init(columns: [String], declared: [String: FieldSchema], known: [FieldSchema]) {
        self.columns = columns
        for field in known { types[field.name] = field.type }
        for (name, field) in declared where types[name] == nil {
            types[name] = field.type
            schema.append(field)
        }
    }

    mutating func settle(from records: [[String]], indices: [Int]) {
        for (position, column) in columns.enumerated() where types[column] == nil {
            let values = records.compactMap { $0.indices.contains(indices[position]) ? $0[indices[position]] : nil }.filter { !$0.isEmpty }
            let type: FieldType
            if !values.isEmpty && values.allSatisfy({ Double($0.trimmingCharacters(in: .whitespaces)) != nil }) {
                type = .number
            } else if !values.isEmpty && values.allSatisfy({ MetadataValue.parseDate($0) != nil }) {
                type = .datetime
            } else {
                type = .string
            }
            types[column] = type
            schema.append(FieldSchema(name: column, type: type))
        }
        isSettled = true
    }

    /// A cell as a value; its field's coercion (at preparation) checks it fits.
    func value(_ text: String, column: String) -> MetadataValue {
        .string(text)
    }
}
