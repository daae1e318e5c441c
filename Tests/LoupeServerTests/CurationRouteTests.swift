import Catalog
import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import LoupeServer
import NIOCore
import Testing

/// The curation routes through the router on a real catalog: clusters, projections, score jobs,
/// near-duplicates and metric aggregates — with their bad inputs.
@Suite("Curation routes")
struct CurationRouteTests {
    /// What the API sends for a clustering (decoded apart from the catalog's types).
    struct ClusteringBody: Decodable {
        struct Cluster: Decodable {
            let id: Int
            let name: String
            let size: Int
            let central: [String]
        }
        let algorithm: String
        let rows: Int
        let noise: Int
        let assignedSinceFit: Int
        let clusters: [Cluster]
    }

    struct DuplicatesBody: Decodable {
        struct Group: Decodable {
            let representative: String
            let rows: [String]
        }
        let kind: String
        let threshold: Double
        let candidates: Int
        let groups: [Group]
        let redundantRows: Int
    }

    struct AggregateBody: Decodable {
        let name: String
        let kind: String
        let value: Double?
        let count: Int
        let missing: Int
    }

    struct JobBody: Decodable {
        let id: String
        let kind: String
        let state: String
        let error: String?
    }

    /// Polls a job until it finishes.
    func finished(_ client: any TestClientProtocol, _ response: TestResponse) async throws -> JobBody {
        #expect(response.status == .accepted, "\(response.text)")
        var job = try response.decode(JobBody.self)
        for _ in 0..<600 where job.state == "pending" || job.state == "running" {
            try await Task.sleep(for: .milliseconds(50))
            job = try await client.send(.get, "/v1/jobs/\(job.id)").decode(JobBody.self)
        }
        return job
    }

    @Test("Clusters: computed, stored per row, served with summaries; HDBSCAN; bad k, algorithm, space and empty spaces refused")
    func clusters() async throws {
        try await WebUIRouteTests.withSeededServer { client, base in
            let spaces = "\(base)/spaces/blobs"
            expectError(try await client.send(.get, "\(spaces)/clusters"), .notFound, "not_found")
            let computed = try await client.send(.post, "\(spaces)/clusters", json: APIClusterRequest(k: 3, seed: 1))
            #expect(computed.status == .ok, "\(computed.text)")
            let clustering = try computed.decode(ClusteringBody.self)
            #expect(clustering.algorithm == "kmeans" && clustering.rows == 60 && clustering.clusters.map(\.size) == [20, 20, 20])
            #expect(try await client.send(.get, "\(spaces)/clusters").decode(ClusteringBody.self).clusters.map(\.name) == clustering.clusters.map(\.name))
            let one = try await client.send(.get, "\(spaces)/clusters/1").decode(ClusteringBody.Cluster.self)
            #expect(one.id == 1 && one.size == 20 && one.central.count == 8)
            expectError(try await client.send(.get, "\(spaces)/clusters/7"), .notFound, "not_found")
            let assignments = try await client.send(.get, "\(spaces)/cluster-assignments").decode(APIClusterAssignments.self)
            #expect(assignments.ids.count == 60 && Set(assignments.clusters) == [0, 1, 2])
            // Each blob (row % 3) is one cluster.
            for blob in 0..<3 {
                #expect(Set(assignments.ids.indices.filter { Int(assignments.ids[$0].dropFirst())! % 3 == blob }.map { assignments.clusters[$0] }).count == 1)
            }
            let density = try await client.send(.post, "\(spaces)/clusters", json: APIClusterRequest(algorithm: "hdbscan", minClusterSize: 5))
            #expect(density.status == .ok, "\(density.text)")
            #expect(try density.decode(ClusteringBody.self).clusters.count == 3)

            for (body, words) in [(APIClusterRequest(k: 1), "k must be in 2...60"), (APIClusterRequest(k: 500), "k must be in 2...60"),
                                  (APIClusterRequest(), "needs 'k'"), (APIClusterRequest(algorithm: "dbscan", k: 3), "algorithm"),
                                  (APIClusterRequest(algorithm: "hdbscan", minClusterSize: 100), "minimum cluster size")] {
                let response = try await client.send(.post, "\(spaces)/clusters", json: body)
                #expect(response.status == .unprocessableContent, "\(response.text)")
                #expect(response.errorMessage?.contains(words) == true, "\(response.text)")
            }
            expectError(try await client.send(.post, "\(base)/spaces/nope/clusters", json: APIClusterRequest(k: 3)), .notFound, "not_found")
            expectError(try await client.send(.post, "/v1/datasets/nothing/spaces/blobs/clusters", json: APIClusterRequest(k: 3)), .notFound, "not_found")
            #expect(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "empty", dimensions: 4, metric: "l2")).status == .created)
            let empty = try await client.send(.post, "\(base)/spaces/empty/clusters", json: APIClusterRequest(k: 3))
            expectError(empty, .unprocessableContent, "invalid_argument")
            #expect(empty.errorMessage?.contains("0 vector") == true)
            expectError(try await client.send(.post, "\(base)/spaces/empty/projection", json: APIProjectionRequest()), .unprocessableContent, "invalid_argument")
        }
    }

    @Test("Projection: stored points make the map; the map shows stored clusters")
    func projection() async throws {
        try await WebUIRouteTests.withSeededServer { client, base in
            let spaces = "\(base)/spaces/blobs"
            let projected = try await client.send(.post, "\(spaces)/projection", json: APIProjectionRequest(method: "umap", seed: 3))
            #expect(projected.status == .ok, "\(projected.text)")
            var map = try await client.send(.get, "\(spaces)/map").decode(APIMap.self)
            #expect(map.method == "umap" && map.ids.count == 60 && map.clusterNames.isEmpty && map.clusters.allSatisfy { $0 == -1 })
            #expect(try await client.send(.post, "\(spaces)/clusters", json: APIClusterRequest(k: 3)).status == .ok)
            map = try await client.send(.get, "\(spaces)/map").decode(APIMap.self)
            #expect(map.clusterNames.count == 3 && Set(map.clusters) == [0, 1, 2])
            expectError(try await client.send(.post, "\(spaces)/projection", json: APIProjectionRequest(method: "tsne")), .unprocessableContent,
                        "validation_failed")
        }
    }

    @Test("Scores and label mistakes run as jobs and land as metrics; aggregates over filters; bad input refused")
    func scoresAndAggregates() async throws {
        try await WebUIRouteTests.withSeededServer { client, base in
            let spaces = "\(base)/spaces/blobs"
            let scores = try await finished(client, try await client.send(.post, "\(spaces)/scores", json: APIScoresRequest(k: 5)))
            #expect(scores.kind == "row_scores" && scores.state == "succeeded", "\(scores.error ?? "")")
            let mistakes = try await finished(client, try await client.send(.post, "\(spaces)/label-mistakes", json: APIScoresRequest(k: 5)))
            #expect(mistakes.kind == "label_mistakes" && mistakes.state == "succeeded", "\(mistakes.error ?? "")")
            let max = try await client.send(.post, "\(base)/metrics/aggregate", json: APIMetricAggregateRequest(name: "uniqueness", kind: "max"))
            #expect(max.status == .ok, "\(max.text)")
            let top = try max.decode(AggregateBody.self)
            #expect(top.value == 1 && top.count == 60 && top.missing == 3)  // the three image rows have no vector
            // The "rank" metric is the row number: its sum over label a (rows 0, 3, …, 57) is 570.
            let sum = try await client.send(.post, "\(base)/metrics/aggregate", json: APIMetricAggregateRequest(
                name: "rank", kind: "sum", filter: APIRowFilter(labels: [APILabelCondition(anyOf: ["a"])]))).decode(AggregateBody.self)
            #expect(sum.value == 570 && sum.count == 20)
            let geometric = try await client.send(.post, "\(base)/metrics/aggregate", json: APIMetricAggregateRequest(name: "rank", kind: "geometric_mean"))
            expectError(geometric, .unprocessableContent, "invalid_argument")  // rank 0
            let skipped = try await client.send(.post, "\(base)/metrics/aggregate",
                                                json: APIMetricAggregateRequest(name: "rank", kind: "harmonic_mean", skipNonPositive: true))
            #expect(try skipped.decode(AggregateBody.self).count == 59)
            expectError(try await client.send(.post, "\(base)/metrics/aggregate", json: APIMetricAggregateRequest(name: "rank", kind: "median")),
                        .unprocessableContent, "invalid_argument")
            for (path, k) in [("scores", 0), ("scores", 60), ("label-mistakes", 501)] {
                expectError(try await client.send(.post, "\(spaces)/\(path)", json: APIScoresRequest(k: k)), .unprocessableContent, "invalid_argument")
            }
            expectError(try await client.send(.post, "\(base)/spaces/nope/scores", json: APIScoresRequest()), .notFound, "not_found")
        }
    }

    @Test("Near-duplicates by vectors and texts; thresholds outside [0, 1] refused")
    func duplicates() async throws {
        try await WebUIRouteTests.withSeededServer { client, base in
            let spaces = "\(base)/spaces/blobs"
            // The blobs are tight (noise 0.01): at cosine 0.99 each blob is one group.
            let vectors = try await client.send(.post, "\(spaces)/duplicates", json: APIDuplicatesRequest(threshold: 0.99))
            #expect(vectors.status == .ok, "\(vectors.text)")
            let report = try vectors.decode(DuplicatesBody.self)
            #expect(report.kind == "vectors" && report.candidates == 60 && report.groups.count == 3 && report.redundantRows == 57)
            for group in report.groups { #expect(group.rows.count == 20 && group.rows.contains(group.representative)) }
            let onlyA = try await client.send(.post, "\(spaces)/duplicates", json: APIDuplicatesRequest(
                threshold: 0.99, filter: APIRowFilter(labels: [APILabelCondition(anyOf: ["a"])]))).decode(DuplicatesBody.self)
            #expect(onlyA.candidates == 20 && onlyA.groups.count == 1)
            let rows = [APIRowInput(id: "t1", rowData: "a lightly edited sentence about near duplicate texts", mediaType: .text),
                        APIRowInput(id: "t2", rowData: "a lightly edited sentence about near-duplicate texts", mediaType: .text)]
            #expect(try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: rows)).status == .ok)
            let texts = try await client.send(.post, "\(base)/duplicates/texts", json: APIDuplicatesRequest(threshold: 0.7)).decode(DuplicatesBody.self)
            #expect(texts.kind == "texts" && texts.groups.count == 1 && Set(texts.groups[0].rows) == ["t1", "t2"])
            for threshold in [-0.5, 1.5] {
                expectError(try await client.send(.post, "\(spaces)/duplicates", json: APIDuplicatesRequest(threshold: threshold)),
                            .unprocessableContent, "invalid_argument")
                expectError(try await client.send(.post, "\(base)/duplicates/texts", json: APIDuplicatesRequest(threshold: threshold)),
                            .unprocessableContent, "invalid_argument")
            }
            expectError(try await client.send(.post, "\(base)/spaces/nope/duplicates", json: APIDuplicatesRequest(threshold: 0.9)), .notFound, "not_found")
        }
    }

    @Test("Near-duplicate images by perceptual hash: one group for one picture in three formats; bad distances and files refused")
    func imageDuplicates() async throws {
        let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EncodersTests/Fixtures/images")
        try await TestServer().test { client in
            let base = "/v1/datasets/pictures"
            #expect(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "pictures")).status == .created)
            let files = ["q90_444.jpg", "lossy.webp", "palette4.png", "chessboard_RGB.png", "green_palette.png"]
            let rows = files.map { APIRowInput(id: $0, rowData: images.appendingPathComponent($0).path, mediaType: .image) }
            #expect(try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: rows)).status == .ok)
            let response = try await client.send(.post, "\(base)/duplicates/images", json: APIImageDuplicatesRequest(maxDistance: 6))
            #expect(response.status == .ok, "\(response.text)")
            let report = try response.decode(DuplicatesBody.self)
            #expect(report.kind == "images" && report.candidates == 5 && report.redundantRows == 2)
            #expect(report.groups.count == 1 && Set(report.groups[0].rows) == ["q90_444.jpg", "lossy.webp", "palette4.png"])
            let raw = try await client.send(.post, "\(base)/duplicates/images", body: ByteBuffer(string: #"{"max_distance": 0}"#),
                                            contentType: "application/json")
            #expect(try raw.decode(DuplicatesBody.self).groups.count == 1, "\(raw.text)")
            for distance in [-1, 33] {
                expectError(try await client.send(.post, "\(base)/duplicates/images", json: APIImageDuplicatesRequest(maxDistance: distance)),
                            .unprocessableContent, "invalid_argument")
            }
            // By pixel correlation: the same group.
            let correlated = try await client.send(.post, "\(base)/duplicates/images", json: APIImageDuplicatesRequest(threshold: 0.99))
            #expect(correlated.status == .ok, "\(correlated.text)")
            let byPixels = try correlated.decode(DuplicatesBody.self)
            #expect(byPixels.threshold == 0.99 && byPixels.groups.count == 1 && Set(byPixels.groups[0].rows) == ["q90_444.jpg", "lossy.webp", "palette4.png"])
            for threshold in [0, 1.5] {
                expectError(try await client.send(.post, "\(base)/duplicates/images", json: APIImageDuplicatesRequest(threshold: threshold)),
                            .unprocessableContent, "invalid_argument")
            }
            // Exactly one of the two.
            for body in [#"{}"#, #"{"threshold": 0.99, "max_distance": 4}"#] {
                expectError(try await client.send(.post, "\(base)/duplicates/images", body: ByteBuffer(string: body), contentType: "application/json"),
                            .unprocessableContent, "validation_failed")
            }
            expectError(try await client.send(.post, "/v1/datasets/nope/duplicates/images", json: APIImageDuplicatesRequest(maxDistance: 6)),
                        .notFound, "not_found")
            let gone = [APIRowInput(id: "gone", rowData: "/no/such/picture.png", mediaType: .image)]
            #expect(try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: gone)).status == .ok)
            // An unreadable file is left out and named in `skipped`; alone, it is an error.
            let withGone = try await client.send(.post, "\(base)/duplicates/images", json: APIImageDuplicatesRequest(maxDistance: 6))
            #expect(withGone.status == .ok, "\(withGone.text)")
            let skipped = try withGone.decode(DuplicateReport.self).skipped
            #expect(skipped.map(\.rowID) == ["gone"] && skipped.first?.reason.contains("/no/such/picture.png") == true, "\(skipped)")
            let failed = try await client.send(.post, "\(base)/duplicates/images",
                                               json: APIImageDuplicatesRequest(maxDistance: 6, filter: APIRowFilter(rowIds: ["gone"])))
            expectError(failed, .unprocessableContent, "invalid_argument")
            let message = failed.text.replacingOccurrences(of: "\\/", with: "/")
            #expect(message.contains("'gone'") && message.contains("/no/such/picture.png"), "\(message)")
        }
    }
}
