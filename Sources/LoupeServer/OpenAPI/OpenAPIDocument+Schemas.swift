extension OpenAPIDocument {
    /// The JSON schemas of the bodies, one per `API…` type (JSON Schema 2020-12, as OpenAPI 3.1 takes it).
    static let schemas: [(String, JSONValue)] = [
        ("Error", object(["error"], [
            ("error", object(["code", "message"], [
                ("code", ["type": "string", "description": "Stable machine-readable code (invalid_request, validation_failed, not_found, …)."]),
                ("message", string),
            ])),
        ])),
        ("Health", object(["status", "auth"], [("status", string), ("auth", ["enum": ["open", "keys"]]), ("scope", nullable(string))])),
        ("Dataset", object(["id", "name", "rowCount", "spaceCount", "created"], [
            ("id", string), ("name", string), ("description", nullable(string)), ("rowCount", integer), ("spaceCount", integer), ("created", dateTime),
        ])),
        ("DatasetInput", object(["name"], [("name", ["type": "string", "minLength": 1, "maxLength": 200]), ("description", string)])),
        ("DatasetList", list("Dataset")),
        ("Row", object(["id", "rowData", "mediaType", "metadata", "labels", "metrics"], [
            ("id", string), ("globalKey", nullable(string)), ("rowData", string), ("mediaType", ["enum": ["image", "text"]]),
            ("metadata", ["type": "object"]), ("labels", ["type": "array", "items": ref("Label")]),
            ("metrics", ["type": "object", "additionalProperties": number]),
        ])),
        ("RowInput", object(["rowData"], [
            ("id", string), ("globalKey", string), ("rowData", string), ("mediaType", ["enum": ["image", "text"]]),
            ("metadata", ["type": "object"]), ("labels", ["type": "array", "items": string]),
        ])),
        ("RowBatch", object(["rows"], [("rows", ["type": "array", "items": ref("RowInput"), "minItems": 1])])),
        ("RowList", list("Row")),
        ("RowPage", object(["rows", "total"], [("rows", ["type": "array", "items": ref("Row")]), ("total", integer), ("nextOffset", nullable(integer))])),
        ("Label", object(["class"], [("class", string), ("confidence", nullable(number))])),
        ("RowFilter", object([], [
            ("labels", ["type": "array", "items": string]),
            ("metadata", ["type": "object", "additionalProperties": ref("FieldCondition")]),
            ("metrics", ["type": "object", "additionalProperties": ref("Range")]),
            ("selection", string),
        ])),
        ("FieldCondition", object([], [("equals", [:]), ("oneOf", ["type": "array"]), ("range", ref("Range"))])),
        ("Range", object([], [("min", number), ("max", number)])),
        ("ImportReport", object(["imported", "failed", "errors", "errorsTruncated"], [
            ("imported", integer), ("failed", integer),
            ("errors", ["type": "array", "items": object(["line", "message"], [("line", integer), ("message", string)])]),
            ("errorsTruncated", boolean),
        ])),
        ("Space", object(["id", "dataset", "name", "dims", "metric", "index", "vectorCount", "created"], [
            ("id", string), ("dataset", string), ("name", string), ("dims", ["type": "integer", "minimum": 1, "maximum": 4096]),
            ("metric", ["enum": ["cosine", "dot", "l2"]]), ("model", nullable(string)), ("index", string), ("vectorCount", integer), ("created", dateTime),
        ])),
        ("SpaceInput", object(["name"], [
            ("name", string), ("dims", ["type": "integer", "minimum": 1, "maximum": 4096]), ("metric", ["enum": ["cosine", "dot", "l2"]]),
            ("model", string), ("index", ["enum": ["hnsw", "flat"]]),
        ])),
        ("SpaceList", list("Space")),
        ("SearchRequest", object([], [
            ("positive", ["type": "array", "items": string, "maxItems": 20]), ("negative", ["type": "array", "items": string, "maxItems": 20]),
            ("vector", ["type": "array", "items": number]), ("text", string), ("filter", ref("RowFilter")),
            ("k", ["type": "integer", "minimum": 1, "maximum": 1000]), ("offset", ["type": "integer", "minimum": 0, "maximum": 10000]),
            ("minScore", number), ("percentile", ["type": "number", "minimum": 0, "maximum": 100]), ("includeRows", boolean),
        ])),
        ("SearchResponse", object(["hits", "exact", "candidatesScored", "k", "offset"], [
            ("hits", ["type": "array", "items": object(["id", "score", "distance"], [
                ("id", string), ("score", number), ("distance", number), ("row", ref("Row")),
            ])]),
            ("exact", boolean), ("candidatesScored", integer), ("k", integer), ("offset", integer),
            ("nextOffset", nullable(integer)), ("threshold", nullable(number)),
        ])),
        ("InferRequest", object(["text"], [("text", ["type": "string", "minLength": 1]), ("model", string)])),
        ("InferResponse", object(["model", "dims", "embedding"], [
            ("model", string), ("dims", integer), ("embedding", ["type": "array", "items": number]),
            ("classes", ["type": ["array", "null"], "items": ref("Label")]),
        ])),
        ("Job", object(["id", "kind", "state", "done", "target", "created", "updated"], [
            ("id", string), ("kind", string), ("state", ["enum": ["queued", "running", "succeeded", "failed", "cancelled"]]),
            ("done", integer), ("total", nullable(integer)), ("error", nullable(string)), ("target", string),
            ("created", dateTime), ("updated", dateTime), ("report", ref("ImportReport")),
        ])),
        ("JobList", list("Job")),
        ("LabelBatch", object(["labels"], [
            ("labels", ["type": "array", "items": object(["row", "class"], [
                ("row", string), ("class", string), ("confidence", ["type": "number", "minimum": 0, "maximum": 1]),
            ])]),
        ])),
        ("ClassCountList", object(["items"], [("items", ["type": "array", "items": object(["class", "count"], [("class", string), ("count", integer)])])])),
        ("MetricBatch", object(["metrics"], [
            ("metrics", ["type": "array", "items": object(["row", "name", "value"], [("row", string), ("name", string), ("value", number)])]),
        ])),
        ("MetricSummaryList", object(["items"], [
            ("items", ["type": "array", "items": object(["name", "count", "min", "max", "mean"], [
                ("name", string), ("count", integer), ("min", number), ("max", number), ("mean", number),
            ])]),
        ])),
        ("Stored", object(["stored"], [("stored", integer)])),
        ("Selection", object(["id", "dataset", "name", "rows", "created"], [
            ("id", string), ("dataset", string), ("name", string), ("rows", ["type": "array", "items": string]), ("created", dateTime),
        ])),
        ("SelectionInput", object(["name", "rows"], [("name", string), ("rows", ["type": "array", "items": string])])),
        ("SelectionList", list("Selection")),
        ("Slice", object(["id", "dataset", "name", "filter", "rowCount", "created"], [
            ("id", string), ("dataset", string), ("name", string), ("filter", ref("RowFilter")), ("rowCount", integer), ("created", dateTime),
        ])),
        ("SliceInput", object(["name", "filter"], [("name", string), ("filter", ref("RowFilter"))])),
        ("SliceList", list("Slice")),
    ]

    private static let string: JSONValue = ["type": "string"]
    private static let integer: JSONValue = ["type": "integer"]
    private static let number: JSONValue = ["type": "number"]
    private static let boolean: JSONValue = ["type": "boolean"]
    private static let dateTime: JSONValue = ["type": "string", "format": "date-time"]

    private static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(let fields) = schema, let type = schema["type"] else { return schema }
        return .object(fields.map { $0.0 == "type" ? ("type", [type, "null"]) : $0 })
    }
    private static func object(_ required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", "object")]
        if !required.isEmpty { fields.append(("required", .array(required.map { .string($0) }))) }
        fields.append(("properties", .object(properties)))
        return .object(fields)
    }
    private static func list(_ item: String) -> JSONValue {
        object(["items"], [("items", ["type": "array", "items": ["$ref": .string("#/components/schemas/\(item)")]])])
    }
    private static func ref(_ schema: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(schema)")] }
}
