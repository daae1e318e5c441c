/// The routes the web UI adds beside the catalog API: the UI's own files, row thumbnails, the
/// cluster map and smart select.
extension OpenAPIDocument {
    static let webUIPaths: [(String, JSONValue)] = webUIFiles + [
        ("/", ["get": operation("The web UI (HTML). Its API calls need a key when the server has keys.", scope: nil,
                                responses: [("200", ["description": "The page.", "content": ["text/html": ["schema": ["type": "string"]]]])])]),
        ("/v1/datasets/{dataset}/rows/{row}/thumbnail", [
            "parameters": [dataset, pathParameter("row", "A row id or global key.")],
            "get": operation(
                "A small JPEG of an image row (made once, then cached in the data directory), no side longer than `size`.", scope: .read,
                parameters: [queryParameter("size", "The longest side in pixels, 16–1024 (default 160).", ["type": "integer", "minimum": 16, "maximum": 1024])],
                responses: [("200", ["description": "The thumbnail.", "content": ["image/jpeg": ["schema": ["type": "string", "contentMediaType": "image/jpeg"]]]]),
                            ("304", ["description": "Not modified (If-None-Match)."]), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/map", [
            "parameters": [dataset, space],
            "get": operation(
                "The space's 2-D map as columns: ids, x, y, clusters, and a colour per point.", scope: .read,
                parameters: [queryParameter("colour", "cluster (default), label or metric:NAME.", ["type": "string"])],
                responses: [("200", ok("Map")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/map/compute", [
            "parameters": [dataset, space],
            "post": operation(
                "Project the space's vectors to 2-D (PCA, or UMAP with method=umap) and cluster them (k-means), replacing its map.", scope: .write,
                body: json("MapComputeRequest"),
                responses: [("200", ok("MapComputed")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/map/select", [
            "parameters": [dataset, space],
            "post": operation(
                "The rows inside a box or a lasso polygon on the map, answered by an R-tree.", scope: .read,
                body: json("MapSelectRequest"),
                responses: [("200", ok("MapSelection")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/map/clusters/{cluster}", [
            "parameters": [dataset, space, pathParameter("cluster", "A cluster number of the map.")],
            "get": operation("A cluster's size, name, most central rows and commonest labels and values.", scope: .read,
                             responses: [("200", ok("ClusterSummary")), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/smart-select", [
            "parameters": [dataset],
            "post": operation(
                "Pick rows (random, ordered, cluster-based or diverse, optionally without near-duplicates) and save them as a selection.", scope: .write,
                body: json("SmartSelectRequest"),
                responses: [("201", ok("SmartSelection", "Saved.")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
    ]

    /// One path per file of the UI (stylesheet, ES modules), as ``WebUIController`` routes them.
    static let webUIFiles: [(String, JSONValue)] = WebUIAssets.embeddedFiles.subresourcePaths.map { path in
        ("/ui/\(path)", ["get": operation("A file of the web UI, compiled into the binary.", scope: nil, responses: [("200", ["description": "The file."])])])
    }

    static let webUISchemas: [(String, JSONValue)] = [
        ("Box", schema(["min_x", "min_y", "max_x", "max_y"], [("min_x", number), ("min_y", number), ("max_x", number), ("max_y", number)])),
        ("Map", schema(["space", "dataset", "method", "created", "bounds", "ids", "x", "y", "clusters", "cluster_names", "colour"], [
            ("space", string), ("dataset", string), ("method", string), ("created", ["type": "string", "format": "date-time"]),
            ("bounds", schemaRef("Box")), ("ids", array(string)), ("x", array(number)), ("y", array(number)),
            ("clusters", array(["type": "integer"])), ("cluster_names", array(string)),
            ("colour", schema(["kind", "values", "categories"], [
                ("kind", ["enum": ["cluster", "label", "metric"]]), ("name", string),
                ("values", array(["type": ["number", "null"]])), ("categories", array(string)), ("min", number), ("max", number),
            ])),
        ])),
        ("MapComputeRequest", schema([], [
            ("clusters", ["type": "integer", "minimum": 2, "maximum": 200]), ("seed", ["type": "integer"]), ("method", ["enum": ["pca", "umap"]]),
        ])),
        ("MapComputed", schema(["space", "method", "points", "clusters", "seconds"], [
            ("space", string), ("method", string), ("points", ["type": "integer"]), ("clusters", ["type": "integer"]), ("seconds", number),
        ])),
        ("MapSelectRequest", schema([], [("box", schemaRef("Box")), ("polygon", array(number))])),
        ("MapSelection", schema(["ids", "count"], [("ids", array(string)), ("count", ["type": "integer"])])),
        ("ClusterSummary", schema(["id", "name", "size", "central", "labels", "metadata"], [
            ("id", ["type": "integer"]), ("name", string), ("size", ["type": "integer"]), ("central", array(string)),
            ("labels", array(schema(["class", "count"], [("class", string), ("count", ["type": "integer"])]))),
            ("metadata", array(schema(["field", "value", "count"], [("field", string), ("value", [:]), ("count", ["type": "integer"])]))),
        ])),
        ("SmartSelectRequest", schema(["name", "strategy", "count"], [
            ("name", string), ("strategy", ["enum": ["random", "ordered", "cluster", "diverse"]]),
            ("count", ["type": "integer", "minimum": 1, "maximum": 100_000]), ("seed", ["type": "integer"]), ("space", string),
            ("filter", schemaRef("RowFilter")), ("order_by", string), ("descending", ["type": "boolean"]),
            ("per_cluster", ["enum": ["equal", "proportional"]]), ("duplicate_score", ["type": "number", "minimum": 0, "maximum": 1]),
        ])),
        ("SmartSelection", schema(["selection", "candidates", "duplicates_skipped"], [
            ("selection", schemaRef("Selection")), ("candidates", ["type": "integer"]), ("duplicates_skipped", ["type": "integer"]),
        ])),
    ]
}

private let string: JSONValue = ["type": "string"]
private let number: JSONValue = ["type": "number"]
private func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
private func schemaRef(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
private func schema(_ required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
    var fields: [(String, JSONValue)] = [("type", "object")]
    if !required.isEmpty { fields.append(("required", .array(required.map { .string($0) }))) }
    fields.append(("properties", .object(properties)))
    return .object(fields)
}
