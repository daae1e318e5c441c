extension OpenAPIDocument {
    /// The JSON schemas of the bodies, one per `API…` type (JSON Schema 2020-12, as OpenAPI 3.1 takes it).
    static let schemas: [(String, JSONValue)] = [
        ("Error", object(["error"], [
            ("error", object(["code", "message"], [
                ("code", ["type": "string", "description": "Stable machine-readable code: invalid_request, validation_failed, not_found, conflict, payload_too_large, unsupported_media_type, unauthorized, forbidden, or the catalog's (dimension_mismatch, invalid_vector, invalid_argument, limit_exceeded, unsupported, corrupt_data, …)."]),
                ("message", string),
            ])),
        ])),
        ("Health", object(["status", "auth"], [("status", string), ("auth", ["enum": ["open", "keys"]]), ("scope", string)])),
        ("FieldSchema", object(["name", "type"], [
            ("name", string), ("type", ["enum": ["string", "number", "datetime", "enum"]]), ("allowed_values", array(string)),
        ])),
        ("Dataset", object(["id", "name", "description", "created_at", "row_count", "fields"], [
            ("id", string), ("name", string), ("description", string), ("created_at", dateTime), ("row_count", integer),
            ("fields", array(ref("FieldSchema"))),
        ])),
        ("DatasetInput", object(["name"], [
            ("name", ["type": "string", "minLength": 1, "maxLength": 512]), ("description", string), ("id", string),
            ("fields", array(ref("FieldSchema"))),
        ])),
        ("DatasetList", list("Dataset")),
        ("Label", object(["class_name", "kind"], [
            ("class_name", string), ("kind", labelKind), ("confidence", number), ("source", string),
        ])),
        ("Row", object(["id", "row_data", "media_type", "metadata", "labels"], [
            ("id", string), ("global_key", string), ("row_data", string), ("media_type", mediaType),
            ("metadata", ["type": "object", "description": "Field name → string, number or ISO 8601 datetime."]),
            ("labels", array(ref("Label"))),
        ])),
        ("RowInput", object(["row_data"], [
            ("id", string), ("global_key", string), ("row_data", string), ("media_type", mediaType),
            ("metadata", ["type": "object"]), ("labels", array(string)),
        ])),
        ("RowBatch", object(["rows"], [("rows", ["type": "array", "items": ref("RowInput"), "minItems": 1])])),
        ("RowPage", object(["rows", "total"], [("rows", array(ref("Row"))), ("total", integer), ("next_cursor", string)])),
        ("MetadataCondition", object(["field", "test"], [
            ("field", string),
            ("test", [
                "description": "{type: equals, value} · {type: in, values} · {type: range, min, max} · {type: exists, exists}",
                "type": "object", "required": ["type"],
                "properties": ["type": ["enum": ["equals", "in", "range", "exists"]], "value": [:], "values": ["type": "array"], "min": [:], "max": [:], "exists": boolean],
            ]),
        ])),
        ("LabelCondition", object(["any_of"], [
            ("any_of", array(string)), ("kind", labelKind), ("minimum_confidence", number), ("negated", boolean),
        ])),
        ("MetricCondition", object(["name"], [("name", string), ("class_name", string), ("minimum", number), ("maximum", number)])),
        ("RowFilter", object([], [
            ("metadata", array(ref("MetadataCondition"))), ("labels", array(ref("LabelCondition"))), ("metrics", array(ref("MetricCondition"))),
            ("media_types", array(mediaType)), ("selection_id", string), ("row_ids", array(string)),
        ])),
        ("ImportReport", object(["read", "stored", "errors", "rejected"], [
            ("read", integer), ("stored", integer), ("rejected", integer),
            ("errors", array(object(["line", "reason"], [("line", integer), ("reason", string)]))),
            ("seconds", number), ("index_seconds", number),
        ])),
        ("IndexSettings", object([], [
            ("kind", ["enum": ["auto", "flat", "hnsw"]]), ("flat_threshold", integer), ("m", integer), ("ef_construction", integer), ("ef_search", integer),
        ])),
        ("Space", object(["id", "dataset_id", "name", "dimensions", "metric", "kind", "index", "vector_count", "created_at"], [
            ("id", string), ("dataset_id", string), ("name", string), ("dimensions", ["type": "integer", "minimum": 1, "maximum": 4096]),
            ("metric", metric), ("kind", object(["type"], [("type", ["enum": ["custom", "model"]]), ("model", string)])),
            ("index", ref("IndexSettings")), ("vector_count", integer), ("generation", integer), ("created_at", dateTime),
        ])),
        ("SpaceInput", object(["name"], [
            ("name", string), ("dimensions", ["type": "integer", "minimum": 1, "maximum": 4096]),
            ("metric", ["enum": ["cosine", "dot", "l2"]]), ("model", string), ("index", ref("IndexSettings")),
        ])),
        ("SpaceList", list("Space")),
        ("SearchBody", object([], [
            ("positive", ["type": "array", "items": string, "maxItems": 20]), ("negative", ["type": "array", "items": string, "maxItems": 20]),
            ("negative_weight", number), ("vector", array(number)), ("text", string), ("filter", ref("RowFilter")),
            ("k", ["type": "integer", "minimum": 1, "maximum": 1000]), ("offset", ["type": "integer", "minimum": 0, "maximum": 9999]),
            ("cursor", string), ("min_score", number), ("percentile", ["type": "number", "minimum": 0, "maximum": 100]),
            ("ef_search", integer), ("include_rows", boolean),
        ])),
        ("SearchResponse", object(["hits", "is_exact", "candidates_scored", "index"], [
            ("hits", array(object(["row_id", "score", "distance"], [("row_id", string), ("score", number), ("distance", number), ("row", ref("Row"))]))),
            ("is_exact", boolean), ("candidates_scored", integer), ("filtered_count", integer), ("score_threshold", number),
            ("next_cursor", string), ("index", ["enum": ["flat", "hnsw"]]),
        ])),
        ("ModelDescriptor", object(["name", "dimensions", "metric", "media_types"], [
            ("name", string), ("dimensions", integer), ("metric", metric), ("media_types", array(mediaType)), ("summary", string),
        ])),
        ("ModelList", list("ModelDescriptor")),
        ("InferRequest", object(["text", "model"], [("text", ["type": "string", "minLength": 1]), ("model", string)])),
        ("InferResponse", object(["model", "dimensions", "embedding"], [
            ("model", string), ("dimensions", integer), ("embedding", array(number)),
            ("classes", array(object(["class_name", "probability"], [("class_name", string), ("probability", number)]))),
        ])),
        ("Job", object(["id", "kind", "dataset_id", "state", "done", "total", "failed_items", "created_at", "updated_at"], [
            ("id", string), ("kind", ["enum": ["compute_embeddings", "row_scores", "label_mistakes", "import_vectors"]]), ("dataset_id", string), ("space_id", string), ("state", jobState),
            ("done", ["type": "integer", "description": "Units done: rows, or for import_vectors bytes of NDJSON or rows of .npy read."]),
            ("total", integer), ("failed_items", integer), ("error", string), ("created_at", dateTime), ("updated_at", dateTime),
            ("report", ["$ref": "#/components/schemas/ImportReport", "description": "A finished import_vectors job's report."]),
        ])),
        ("JobList", object(["items"], [("items", array(ref("Job")))])),
        ("LabelBatch", object(["labels"], [
            ("labels", array(object(["row_id", "class_name"], [
                ("row_id", string), ("class_name", string), ("kind", labelKind), ("confidence", ["type": "number", "minimum": 0, "maximum": 1]),
                ("source", string),
            ]))),
        ])),
        ("LabelCountList", object(["items"], [
            ("items", array(object(["class_name", "kind", "rows"], [("class_name", string), ("kind", labelKind), ("rows", integer)]))),
        ])),
        ("MetricBatch", object(["metrics"], [
            ("metrics", array(object(["row_id", "name", "value"], [("row_id", string), ("name", string), ("class_name", string), ("value", number)]))),
        ])),
        ("MetricSummaryList", object(["items"], [
            ("items", array(object(["name", "count", "minimum", "maximum", "mean"], [
                ("name", string), ("count", integer), ("minimum", number), ("maximum", number), ("mean", number),
            ]))),
        ])),
        ("Selection", object(["id", "dataset_id", "name", "row_ids", "created_at"], [
            ("id", string), ("dataset_id", string), ("name", string), ("row_ids", array(string)), ("created_at", dateTime),
        ])),
        ("SelectionInput", object(["name", "row_ids"], [("name", string), ("row_ids", array(string))])),
        ("SelectionList", list("Selection")),
        ("Slice", object(["id", "dataset_id", "name", "filter", "created_at"], [
            ("id", string), ("dataset_id", string), ("name", string), ("filter", ref("RowFilter")), ("created_at", dateTime),
        ])),
        ("SliceInput", object(["name", "filter"], [("name", string), ("filter", ref("RowFilter"))])),
        ("SliceList", list("Slice")),
        ("APIKey", object(["id", "name", "scope", "created"], [
            ("id", string), ("name", string), ("scope", scope), ("created", dateTime), ("revoked", dateTime),
        ])),
        ("APIKeyList", list("APIKey")),
        ("APIKeyInput", object(["name"], [("name", ["type": "string", "minLength": 1]), ("scope", scope)])),
        ("CreatedAPIKey", object(["key", "record"], [("key", string), ("record", ref("APIKey"))])),
        ("SessionInput", object(["key"], [("key", string)])),
        ("FolderImport", object(["path"], [
            ("path", ["type": "string", "description": "An absolute path on the server."]), ("subfolder_labels", boolean), ("sidecar", string),
        ])),
    ]

    private static let mediaType: JSONValue = ["enum": ["image", "text"]]
    private static let labelKind: JSONValue = ["enum": ["ground_truth", "prediction"]]
    private static let metric: JSONValue = ["enum": ["cosine", "inner_product", "l2"]]
    private static let scope: JSONValue = ["enum": ["read", "write", "admin"]]
    private static let jobState: JSONValue = ["enum": ["pending", "running", "succeeded", "failed", "cancelled"]]
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]

    static func object(_ required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", "object")]
        if !required.isEmpty { fields.append(("required", .array(required.map { .string($0) }))) }
        fields.append(("properties", .object(properties)))
        return .object(fields)
    }
    private static func list(_ item: String) -> JSONValue {
        object(["items"], [("items", ["type": "array", "items": ["$ref": .string("#/components/schemas/\(item)")]])])
    }
    static func ref(_ schema: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(schema)")] }
}
