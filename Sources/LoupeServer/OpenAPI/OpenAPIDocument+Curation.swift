/// The curation routes: clusters, projections, per-row score jobs, near-duplicates and metric
/// aggregates (``CurationController``).
extension OpenAPIDocument {
    static let curationPaths: [(String, JSONValue)] = [
        ("/v1/datasets/{dataset}/spaces/{space}/clusters", [
            "parameters": [dataset, space],
            "get": operation(
                "The space's clustering: each cluster's name and central rows from the fit, its size and commonest labels and values counted now. "
                    + "Rows added since the fit are placed first (nearest centroid; for HDBSCAN the nearest core row, or noise).", scope: .read,
                responses: [("200", ok("Clustering")), ("404", error("NotFound"))]),
            "post": operation(
                "Cluster the space's vectors (k-means with k, or HDBSCAN) and store each row's cluster, replacing the space's clustering.", scope: .write,
                body: json("ClusterRequest"),
                responses: [("200", ok("Clustering")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/clusters/{cluster}", [
            "parameters": [dataset, space, pathParameter("cluster", "A cluster number.")],
            "get": operation("One cluster's size, name, most central rows and commonest labels and values.", scope: .read,
                             responses: [("200", ok("ClusterSummary")), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/cluster-assignments", [
            "parameters": [dataset, space],
            "get": operation("The cluster of every clustered row (−1: HDBSCAN noise), as columns.", scope: .read,
                             responses: [("200", ok("ClusterAssignments")), ("404", error("NotFound"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/projection", [
            "parameters": [dataset, space],
            "post": operation(
                "Project the space's vectors to 2-D (PCA, or UMAP) and store every row's point (the map), replacing the space's projection.",
                scope: .write, body: json("ProjectionRequest"),
                responses: [("200", ok("Projection")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/scores", [
            "parameters": [dataset, space],
            "post": operation(
                "Start a job storing each row's uniqueness and representativeness (from its k nearest neighbours) as metrics.", scope: .write,
                body: json("ScoresRequest"),
                responses: [("202", ok("Job", "The job.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/label-mistakes", [
            "parameters": [dataset, space],
            "post": operation(
                "Start a job storing how likely each labelled row's label is wrong (label_mistake; label_suggestion per class) as metrics.",
                scope: .write, body: json("ScoresRequest"),
                responses: [("202", ok("Job", "The job.")), ("404", error("NotFound")), ("409", error("Conflict")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/spaces/{space}/duplicates", [
            "parameters": [dataset, space],
            "post": operation(
                "Groups of rows whose vectors have a cosine similarity of at least the threshold, one representative each.", scope: .read,
                body: json("DuplicatesRequest"),
                responses: [("200", ok("DuplicateReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/duplicates/texts", [
            "parameters": [dataset],
            "post": operation(
                "Groups of text rows whose character 5-gram sets have a Jaccard similarity of at least the threshold (MinHash LSH, verified).",
                scope: .read, body: json("DuplicatesRequest"),
                responses: [("200", ok("DuplicateReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/duplicates/images", [
            "parameters": [dataset],
            "post": operation(
                "Groups of image rows that are copies of one picture; no space needed. With threshold: the correlation of the row files' 24x24 gray thumbnails over shifts of up to 2 pixels (survives resizing, re-encoding, brightness, noise, small shifts). With max_distance instead: 64-bit perceptual hashes (pHash) at most that many bits apart.",
                scope: .read, body: json("ImageDuplicatesRequest"),
                responses: [("200", ok("DuplicateReport")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
        ("/v1/datasets/{dataset}/metrics/aggregate", [
            "parameters": [dataset],
            "post": operation(
                "Aggregate a metric over the rows of a filter: mean, geometric_mean, harmonic_mean, sum, min, max or count.", scope: .read,
                body: json("MetricAggregateRequest"),
                responses: [("200", ok("MetricAggregate")), ("404", error("NotFound")), ("422", error("Unprocessable"))]),
        ]),
    ]

    static let curationSchemas: [(String, JSONValue)] = [
        ("ClusterRequest", object([], [
            ("algorithm", ["enum": ["kmeans", "hdbscan"]]), ("k", ["type": "integer", "minimum": 2, "maximum": 1000]),
            ("restarts", ["type": "integer", "minimum": 1, "maximum": 20]), ("min_cluster_size", ["type": "integer", "minimum": 2]),
            ("min_samples", ["type": "integer", "minimum": 1]), ("seed", integer),
        ])),
        ("Clustering", object(["space_id", "algorithm", "parameters", "created_at", "rows", "noise", "assigned_since_fit", "clusters"], [
            ("space_id", string), ("algorithm", ["enum": ["kmeans", "hdbscan"]]),
            ("parameters", object(["seed"], [("clusters", integer), ("restarts", integer), ("min_cluster_size", integer), ("min_samples", integer),
                                              ("seed", integer)])),
            ("created_at", dateTime), ("rows", integer), ("noise", integer), ("assigned_since_fit", integer), ("clusters", array(ref("ClusterSummary"))),
        ])),
        ("ClusterAssignments", object(["ids", "clusters"], [("ids", array(string)), ("clusters", array(integer))])),
        ("ProjectionRequest", object([], [("method", ["enum": ["pca", "umap"]]), ("seed", integer)])),
        ("Projection", object(["space_id", "method", "points", "created_at"], [
            ("space_id", string), ("method", ["enum": ["pca", "umap"]]), ("points", integer), ("created_at", dateTime),
        ])),
        ("ScoresRequest", object([], [("k", ["type": "integer", "minimum": 1, "maximum": 500])])),
        ("DuplicatesRequest", object(["threshold"], [("threshold", ["type": "number", "minimum": 0, "maximum": 1]), ("filter", ref("RowFilter"))])),
        // Exactly one of threshold (pixel correlation) and max_distance (pHash bits).
        ("ImageDuplicatesRequest", .object([
            ("type", "object"),
            ("oneOf", [["required": ["threshold"]], ["required": ["max_distance"]]]),
            ("properties", .object([
                ("threshold", ["type": "number", "exclusiveMinimum": 0, "maximum": 1]),
                ("max_distance", ["type": "integer", "minimum": 0, "maximum": 32]), ("filter", ref("RowFilter")),
            ])),
        ])),
        ("DuplicateReport", object(["kind", "threshold", "candidates", "pairs", "groups", "redundant_rows", "is_exact", "skipped"], [
            ("kind", ["enum": ["vectors", "texts", "images"]]), ("threshold", number), ("candidates", integer), ("pairs", integer),
            ("groups", array(object(["representative", "rows"], [("representative", string), ("rows", array(string))]))),
            ("redundant_rows", integer), ("is_exact", boolean),
            ("skipped", array(object(["row_id", "reason"], [("row_id", string), ("reason", string)]))),
        ])),
        ("MetricAggregateRequest", object(["name", "kind"], [
            ("name", string), ("class_name", string),
            ("kind", ["enum": ["mean", "geometric_mean", "harmonic_mean", "sum", "min", "max", "count"]]), ("filter", ref("RowFilter")),
            ("skip_non_positive", boolean),
        ])),
        ("MetricAggregate", object(["name", "kind", "count", "missing", "skipped"], [
            ("name", string), ("class_name", string), ("kind", string), ("value", ["type": ["number", "null"]]), ("count", integer),
            ("missing", integer), ("skipped", integer),
        ])),
    ]
}
