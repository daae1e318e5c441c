/// Checks rows before they are stored and fits their metadata to the dataset's fields: a value
/// is coerced to its field's type; a field seen for the first time gets the type of its first
/// value (number, ISO 8601 datetime, or string) and is added to the schema with the rows.
struct RowPreparation {
    private(set) var fields: [String: FieldSchema]
    /// Fields first seen in this batch, in order.
    private(set) var newFields: [FieldSchema] = []

    init(schema: [FieldSchema]) {
        fields = Dictionary(schema.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The row ready to store, with an id and coerced metadata.
    /// - Throws: `invalidArgument` naming the row and the field.
    mutating func prepare(_ row: NewDataRow) throws -> NewDataRow {
        var row = row
        if let id = row.id { try Validation.identifier(id, what: "row id") } else { row.id = Identifiers.make() }
        if let key = row.globalKey { try Validation.identifier(key, what: "global key") }
        guard !row.rowData.isEmpty else { throw CatalogError.invalid("row '\(row.id ?? "")' has empty row data") }
        for label in row.labels { try Validation.name(label, what: "label") }
        var metadata: [String: MetadataValue] = [:]
        for (name, value) in row.metadata {
            try Validation.name(name, what: "field name")
            if case .number(let number) = value, !number.isFinite {
                throw CatalogError.invalid("field '\(name)' is not a finite number")
            }
            let field: FieldSchema
            if let known = fields[name] {
                field = known
            } else {
                field = FieldSchema(name: name, type: FieldSchema.inferredType(of: value))
                fields[name] = field
                newFields.append(field)
            }
            metadata[name] = try field.coerce(value)
        }
        row.metadata = metadata
        return row
    }
}
