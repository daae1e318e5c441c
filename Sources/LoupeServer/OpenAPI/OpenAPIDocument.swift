import Foundation
import Hummingbird

/// The OpenAPI 3.1 document of the API, served at `/openapi.json`.
///
/// Written by hand, path by path, apart from the routes: `OpenAPIConformanceTests` walks the real
/// router and checks that every route is documented here and every documented operation is
/// routed, and that each operation's `x-scope` is the scope the server enforces.
public enum OpenAPIDocument {
    /// The document.
    public static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "Loupe",
            "version": "1.0.0",
            "description": .string(
                "Loupe's HTTP API: datasets, data rows, embedding spaces, vector import, search, inference, export. "
                    + "Errors are {\"error\": {\"code\", \"message\"}}. When the server has API keys, send "
                    + "'Authorization: Bearer <key>' (a browser may instead sign in with POST /v1/session); x-scope says which scope an operation needs (read < write < admin)."),
        ],
        "servers": [["url": "/"]],
        "paths": .object(paths + webUIPaths + curationPaths),
        "components": [
            "securitySchemes": ["apiKey": ["type": "http", "scheme": "bearer", "description": "A key from `loupe keys create`."]],
            "schemas": .object(schemas + webUISchemas + curationSchemas),
            "responses": .object(errorResponses.map { ($0.name, response($0.description, schema: "Error")) }),
        ],
    ]

    /// The document as an HTTP response.
    static func response() -> Response {
        let text = document.jsonText
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(text.utf8.count)],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Paths

    static let dataset = pathParameter("dataset", "A dataset id or name.")
    static let space = pathParameter("space", "A space id or name (in the dataset).")

    private static let paths: [(String, JSONValue)] = [
        ("/openapi.json", ["get": operation("This document.", scope: nil, responses: [("200", ["description": "The OpenAPI document."])])]),
        ("/v1/health", ["get": operation("Whether the server is up, and whether it requires keys.", scope: nil, responses: [("200", ok("Health"))])]),
        ("/v1/models", ["get": operation("The models spaces, text and image queries and inference can use.", scope: .read, responses: [("200", ok("ModelList"))])]),
        ("/v1/datasets", [
            "get": operation("List datasets.", scope: .read, responses: [("200", ok("DatasetList"))]),
            "post": operation(
                "Create a dataset.", scope: .write, body: json("DatasetInput"),
                responses: [("201", ok("Dataset", "Created.")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}", [
            "parameters": [dataset],
            "get": operation("Get a dataset with its row count and fields.", scope: .read, responses: [("200", ok("Dataset")), ("404", error("NotFound"))]),
            "delete": operation("Delete a dataset with everything in it.", scope: .admin, responses: [("204", noContent), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/rows", [
            "parameters": [dataset],
            "get": operation(
                "List rows, filtered, a page at a time.", scope: .read,
                parameters: filterParameters + [
                    queryParameter("limit", "Rows per page (1–1000, default 100).", ["type": "integer", "minimum": 1, "maximum": 1000]),
                    queryParameter("cursor", "The previous page's next_cursor.", ["type": "string"]),
                    queryParameter("sort", "A metric name to sort by; '-name' for descending.", ["type": "string"]),
                ],
                responses: [("200", ok("RowPage")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
            "post": operation(
                "Add rows as JSON; a row whose id exists is replaced. Bad rows are reported by position while good ones land.", scope: .write,
                body: json("RowBatch"), responses: [("200", ok("ImportReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/rows/import", [
            "parameters": [dataset],
            "post": operation(
                "Import rows from a streamed NDJSON or CSV body; bad lines are reported by number while good ones land.", scope: .write,
                parameters: [
                    queryParameter("id_column", "CSV: the column of row ids.", ["type": "string"]),
                    queryParameter("row_data_column", "CSV: the column of row data (default row_data, else path, text, url).", ["type": "string"]),
                    queryParameter("global_key_column", "CSV: the column of global keys.", ["type": "string"]),
                    queryParameter("label_column", "CSV: the column of labels.", ["type": "string"]),
                    queryParameter("label_separator", "CSV: what separates several labels in a cell (default |).", ["type": "string", "minLength": 1, "maxLength": 1]),
                    queryParameter("media_type", "CSV: the media type of every row.", ["enum": ["image", "text"]]),
                    queryParameter("delimiter", "CSV: the field delimiter (default ,).", ["type": "string", "minLength": 1, "maxLength": 1]),
                ],
                body: ["required": true, "content": [
                    "application/x-ndjson": ["schema": ["type": "string", "description": "One row a line: id, global_key, row_data, media_type, metadata, labels."]],
                    "text/csv": ["schema": ["type": "string", "description": "A header line; columns id, global_key, row_data (or path, text, url), media_type, label(s), and metadata."]],
                ]],
                responses: [("200", ok("ImportReport")), ("404", error("NotFound")), ("413", error("TooLarge")), ("415", error("UnsupportedMediaType"))]),
        ]),
        ("/v1/datasets/{dataset}/rows/import/folder", [
            "parameters": [dataset],
            "post": operation(
                "Import a folder on the server's disk: images and texts become rows, sub-folder names labels, a sidecar CSV/NDJSON's columns metadata.",
                scope: .admin, body: json("FolderImport"),
                responses: [("200", ok("ImportReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/rows/{row}", [
            "parameters": [dataset, pathParameter("row", "A row id.")],
            "get": operation("Get a row with its metadata and labels.", scope: .read, responses: [("200", ok("Row")), ("404", error("NotFound"))]),
            "delete": operation("Delete a row with its vectors, labels and metrics.", scope: .write, responses: [("204", noContent), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/export", [
            "parameters": [dataset],
            "get": operation(
                "Export rows as streamed NDJSON, one row a line with metadata, labels, metrics and optionally embeddings.", scope: .read,
                parameters: filterParameters + [
                    queryParameter("embeddings", "Comma list of spaces (ids or names) whose vectors to include.", ["type": "string"]),
                    queryParameter("metrics", "Include metrics (default true).", ["type": "boolean"]),
                    queryParameter("labels", "Include labels (default true).", ["type": "boolean"]),
                ],
                responses: [("200", ["description": "NDJSON rows.", "content": ["application/x-ndjson": ["schema": ["type": "string"]]]]), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/labels", [
            "parameters": [dataset],
            "get": operation("Classes and how many rows carry each, per kind.", scope: .read, responses: [("200", ok("LabelCountList")), ("404", error("NotFound"))]),
            "post": operation(
                "Attach labels or predictions to rows; bad ones are reported by position.", scope: .write, body: json("LabelBatch"),
                responses: [("200", ok("ImportReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/metrics", [
            "parameters": [dataset],
            "get": operation("Each metric's count, minimum, maximum and mean.", scope: .read, responses: [("200", ok("MetricSummaryList")), ("404", error("NotFound"))]),
            "post": operation(
                "Set metric values of rows; bad ones are reported by position.", scope: .write, body: json("MetricBatch"),
                responses: [("200", ok("ImportReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/selections", [
            "parameters": [dataset],
            "get": operation("Saved selections.", scope: .read, responses: [("200", ok("SelectionList")), ("404", error("NotFound"))]),
            "post": operation(
                "Save a list of rows.", scope: .write, body: json("SelectionInput"),
                responses: [("201", ok("Selection", "Created.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/selections/{selection}", [
            "parameters": [dataset, pathParameter("selection", "A selection id.")],
            "get": operation("A saved selection.", scope: .read, responses: [("200", ok("Selection")), ("404", error("NotFound"))]),
            "delete": operation("Delete a saved selection.", scope: .write, responses: [("204", noContent), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/slices", [
            "parameters": [dataset],
            "get": operation("Saved filters.", scope: .read, responses: [("200", ok("SliceList")), ("404", error("NotFound"))]),
            "post": operation(
                "Save a filter.", scope: .write, body: json("SliceInput"),
                responses: [("201", ok("Slice", "Created.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/slices/{slice}", [
            "parameters": [dataset, pathParameter("slice", "A slice id.")],
            "get": operation("A saved filter.", scope: .read, responses: [("200", ok("Slice")), ("404", error("NotFound"))]),
            "delete": operation("Delete a saved filter.", scope: .write, responses: [("204", noContent), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces", [
            "parameters": [dataset],
            "get": operation("The dataset's embedding spaces with their vector counts.", scope: .read, responses: [("200", ok("SpaceList")), ("404", error("NotFound"))]),
            "post": operation(
                "Create an embedding space: custom (dimensions, metric) or backed by a registered model.", scope: .write, body: json("SpaceInput"),
                responses: [("201", ok("Space", "Created.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}", [
            "parameters": [dataset, space],
            "get": operation("Get a space with its vector count.", scope: .read, responses: [("200", ok("Space")), ("404", error("NotFound"))]),
            "delete": operation("Delete a space, its vectors and its index.", scope: .admin, responses: [("204", noContent), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/vectors", [
            "parameters": [dataset, space],
            "post": operation(
                "Import vectors: NDJSON lines {\"id\"|\"global_key\", \"vector\"}, or multipart with an 'ids' part (one id a line) then a 'vectors' part (.npy). "
                    + "Streamed to disk, then imported; re-import replaces; bad lines are reported by number while good ones land. "
                    + "With background=true (NDJSON) the import runs as a job.",
                scope: .write,
                parameters: [
                    queryParameter("background", "Import in a background job and answer 202 at once.", ["type": "boolean"]),
                    queryParameter("by", "For .npy uploads: whether the ids part holds row ids (id, default) or global keys (global_key).", ["enum": ["id", "global_key"]]),
                ],
                body: ["required": true, "content": [
                    "application/x-ndjson": ["schema": ["type": "string"]],
                    "multipart/form-data": ["schema": [
                        "type": "object", "required": ["ids", "vectors"],
                        "properties": ["ids": ["type": "string"], "vectors": ["type": "string", "contentMediaType": "application/octet-stream"]],
                    ]],
                ]],
                responses: [
                    ("200", ok("ImportReport")), ("202", ok("Job", "The import job (background=true).")), ("404", error("NotFound")),
                    ("413", error("TooLarge")), ("415", error("UnsupportedMediaType")), ("422", error("Unprocessable")),
                ]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/embed", [
            "parameters": [dataset, space],
            "post": operation(
                "Start computing the model's vectors for rows that lack them (a resumable, cancellable job).", scope: .write,
                responses: [("202", ok("Job", "The job.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/search", [
            "parameters": [dataset, space],
            "post": operation(
                "Search by anchor rows, a vector or text, with a filter, k, pagination and a score or percentile threshold; says whether the answer is exact and how many candidates were scored.",
                scope: .read, body: json("SearchBody"),
                responses: [("200", ok("SearchResponse")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/search/image", [
            "parameters": [dataset, space],
            "post": operation(
                "Search by an uploaded image (the raw body), through the space's model.", scope: .read,
                parameters: filterParameters + [
                    queryParameter("k", "Results per page (1–1000, default 10).", ["type": "integer", "minimum": 1, "maximum": 1000]),
                    queryParameter("offset", "Results to skip.", ["type": "integer", "minimum": 0]),
                    queryParameter("cursor", "The previous page's next_cursor.", ["type": "string"]),
                    queryParameter("min_score", "Only results scoring at least this.", ["type": "number"]),
                    queryParameter("percentile", "Only results at or above this percentile (0–100).", ["type": "number"]),
                ],
                body: imageBody,
                responses: [("200", ok("SearchResponse")), ("404", error("NotFound")), ("413", error("TooLarge")), ("415", error("UnsupportedMediaType")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/infer", [
            "post": operation(
                "Embed text (JSON) or an image (raw body, ?model=) with a registered model; classifiers also give their top classes. Stores nothing.", scope: .read,
                parameters: [
                    queryParameter("model", "The model for an image body.", ["type": "string"]),
                    queryParameter("top", "Classes to return for an image (1–1000, default 5).", ["type": "integer", "minimum": 1, "maximum": 1000]),
                ],
                body: ["required": true, "content": [
                    "application/json": ["schema": ref("InferRequest")],
                    "image/jpeg": ["schema": ["type": "string", "contentMediaType": "image/jpeg"]],
                    "image/png": ["schema": ["type": "string", "contentMediaType": "image/png"]],
                    "image/webp": ["schema": ["type": "string", "contentMediaType": "image/webp"]],
                ]],
                responses: [("200", ok("InferResponse")), ("404", error("NotFound")), ("413", error("TooLarge")), ("415", error("UnsupportedMediaType")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/jobs", [
            "get": operation(
                "Jobs, newest first: the catalog's embedding jobs and this server's background imports.", scope: .read,
                parameters: [queryParameter("state", "Only jobs in this state (repeatable).", ["enum": ["pending", "running", "succeeded", "failed", "cancelled"]])],
                responses: [("200", ok("JobList"))]),
        ]),
        ("/v1/jobs/{job}", [
            "parameters": [pathParameter("job", "A job id.")],
            "get": operation("A job's state and progress.", scope: .read, responses: [("200", ok("Job")), ("404", error("NotFound"))]),
        ]),
        ("/v1/jobs/{job}/cancel", [
            "parameters": [pathParameter("job", "A job id.")],
            "post": operation("Ask a job to stop.", scope: .write, responses: [("200", ok("Job")), ("404", error("NotFound")), ("409", error("Conflict"))]),
        ]),
        ("/v1/keys", [
            "get": operation("API keys, revoked ones included (never the key or its hash).", scope: .admin, responses: [("200", ok("APIKeyList"))]),
            "post": operation(
                "Create an API key; the answer holds the key, shown this once.", scope: .admin, body: json("APIKeyInput"),
                responses: [("201", ok("CreatedAPIKey", "Created.")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/keys/{key}", [
            "parameters": [pathParameter("key", "A key id (the 8 hex digits after `loupe_`).")],
            "delete": operation("Revoke a key; its record stays, marked revoked.", scope: .admin, responses: [("200", ok("APIKey")), ("404", error("NotFound"))]),
        ]),
        ("/v1/session", [
            "post": operation(
                "Check a key and keep it in an HTTP-only, same-site cookie (`loupe_key`) that then stands for the Authorization header: how the web UI signs in.",
                scope: nil, body: json("SessionInput"), responses: [("200", ok("APIKey")), ("401", error("Unauthorized"))]),
            "delete": operation("Forget the session cookie.", scope: nil, responses: [("204", ["description": "Signed out."])]),
        ]),
    ]

    // MARK: Building blocks

    private static let errorResponses: [(name: String, description: String)] = [
        ("BadRequest", "The request could not be read."),
        ("Unauthorized", "No API key, or an unknown or revoked one."),
        ("Forbidden", "The key's scope does not allow this operation."),
        ("NotFound", "No such dataset, row, space, job or route."),
        ("Conflict", "The request clashes with what is stored."),
        ("TooLarge", "The body is over the route's limit."),
        ("UnsupportedMediaType", "The body's Content-Type is not one the operation reads."),
        ("Unprocessable", "The values break a rule (dimensions, NaN, ranges)."),
    ]

    static func operation(
        _ summary: String, scope: APIScope?, parameters: [JSONValue] = [], body: JSONValue? = nil, responses: [(String, JSONValue)]
    ) -> JSONValue {
        var fields: [(String, JSONValue)] = [("summary", .string(summary))]
        if !parameters.isEmpty { fields.append(("parameters", .array(parameters))) }
        if let body { fields.append(("requestBody", body)) }
        var all = responses
        if body != nil && !all.contains(where: { $0.0 == "400" }) { all.append(("400", error("BadRequest"))) }
        if let scope {
            all.append(("401", error("Unauthorized")))
            all.append(("403", error("Forbidden")))
            fields.append(("security", [["apiKey": []]]))
            fields.append(("x-scope", .string(scope.rawValue)))
        } else {
            fields.append(("security", []))
        }
        fields.append(("responses", .object(all)))
        return .object(fields)
    }

    private static func response(_ description: String, schema: String) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": ref(schema)]]]
    }
    static func ok(_ schema: String, _ description: String = "OK.") -> JSONValue { response(description, schema: schema) }
    static func error(_ name: String) -> JSONValue { ["$ref": .string("#/components/responses/\(name)")] }
    private static let noContent: JSONValue = ["description": "Deleted."]
    static func json(_ schema: String) -> JSONValue {
        ["required": true, "content": ["application/json": ["schema": ref(schema)]]]
    }
    private static let imageBody: JSONValue = [
        "required": true,
        "content": [
            "image/jpeg": ["schema": ["type": "string", "contentMediaType": "image/jpeg"]],
            "image/png": ["schema": ["type": "string", "contentMediaType": "image/png"]],
            "image/webp": ["schema": ["type": "string", "contentMediaType": "image/webp"]],
        ],
    ]
    static func pathParameter(_ name: String, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": ["type": "string"]]
    }
    static func queryParameter(_ name: String, _ description: String, _ schema: JSONValue) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema]
    }
    private static let filterParameters: [JSONValue] = [
        queryParameter("label", "Only rows with this class (repeatable: any of them).", ["type": "string"]),
        queryParameter("selection", "Only rows of this saved selection.", ["type": "string"]),
        queryParameter("media_type", "Only rows of this media type.", ["enum": ["image", "text"]]),
        queryParameter("filter", "A RowFilter as JSON.", ["type": "string"]),
    ]
}
