import Catalog
import Foundation
import Testing
import TestSupport
import VectorMath

/// Clusters, projections, scores, duplicates and aggregates kept by the catalog: stored per
/// space and row, served from storage, brought up to date for new rows without a refit.
@Suite("Curation in the catalog")
struct CurationStorageTests {
    /// `count` rows in three tight blobs of a 4-d space (blob = row % 3), labelled cat/dog/owl
    /// (every tenth row unlabelled), metadata colour red/green/blue.
    static func blobs(_ fixture: CatalogFixture, count: Int, from start: Int = 0, seed: UInt64 = 3) async throws {
        var random = SplitMix64(seed: seed)
        let rows = (start..<(start + count)).map { row in
            NewDataRow(id: "b\(row)", rowData: "row \(row)", mediaType: .text, metadata: ["colour": .string(["red", "green", "blue"][row % 3])],
                       labels: row % 10 == 0 ? [] : [["cat", "dog", "owl"][row % 3]])
        }
        let added = try await fixture.catalog.addRows(rows, to: fixture.dataset.id)
        #expect(added.rejected == 0, "\(added.errors)")
        let entries = (start..<(start + count)).map { row in
            (key: "b\(row)", vector: (0..<4).map { Float($0 == row % 3 ? 10 : 0) + random.nextGaussian() })
        }
        let report = try await fixture.catalog.putVectors(entries, into: "vecs", in: fixture.dataset.id)
        #expect(report.rejected == 0)
    }

    @Test("k-means clusters are stored per row, summarised from storage and named after their labels")
    func kmeansStoredAndSummarised() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        try await Self.blobs(fixture, count: 300)
        let clustering = try await fixture.catalog.cluster(space: "vecs", in: fixture.dataset.id, algorithm: .kmeans(clusters: 3), seed: 5)
        #expect(clustering.clusters.count == 3 && clustering.rows == 300 && clustering.noise == 0)
        #expect(Set(clustering.clusters.compactMap { $0.labels.first?.className }) == ["cat", "dog", "owl"])
        for cluster in clustering.clusters {
            #expect(cluster.size == 100 && cluster.central.count == 8)
            #expect(cluster.labels.first?.count == 90 && cluster.metadata.first?.count == 100)
            #expect(cluster.name.contains(cluster.labels.first?.className ?? "?"))
        }
        // The same clusters after reopening: served from storage.
        let reopened = try await fixture.reopen()
        let again = try await reopened.clustering(space: "vecs", in: fixture.dataset.id)
        #expect(again.clusters == clustering.clusters)
        let (ids, clusters) = try await reopened.clusterAssignments(space: "vecs", in: fixture.dataset.id)
        #expect(ids.count == 300)
        // Each blob is one cluster.
        for blob in 0..<3 {
            #expect(Set(ids.indices.filter { Int(ids[$0].dropFirst())! % 3 == blob }.map { clusters[$0] }).count == 1)
        }
        await reopened.close()
    }

    @Test("New rows join the nearest stored centroid without a refit; deleted rows drop out")
    func newRowsAssignedWithoutRefit() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        try await Self.blobs(fixture, count: 90)
        let first = try await fixture.catalog.cluster(space: "vecs", in: fixture.dataset.id, algorithm: .kmeans(clusters: 3), seed: 1)
        let before = try await fixture.catalog.clusterAssignments(space: "vecs", in: fixture.dataset.id)
        let clusterOfBlob = (0..<3).map { blob in before.clusters[before.ids.firstIndex(of: "b\(blob)")!] }
        try await Self.blobs(fixture, count: 30, from: 90, seed: 9)
        let after = try await fixture.catalog.clustering(space: "vecs", in: fixture.dataset.id)
        #expect(after.rows == 120 && after.assignedSinceFit == 30)
        #expect(after.createdAt == first.createdAt, "no refit")
        let assigned = try await fixture.catalog.clusterAssignments(space: "vecs", in: fixture.dataset.id)
        for row in 90..<120 {
            #expect(assigned.clusters[assigned.ids.firstIndex(of: "b\(row)")!] == clusterOfBlob[row % 3])
        }
        _ = try await fixture.catalog.deleteRows(["b0", "b1"], from: fixture.dataset.id)
        #expect(try await fixture.catalog.clustering(space: "vecs", in: fixture.dataset.id).rows == 118)
        #expect(!(try await fixture.catalog.clusterAssignments(space: "vecs", in: fixture.dataset.id).ids.contains("b0")))
    }

    @Test("HDBSCAN finds the blobs, leaves a far row as noise, and places new rows by the stored core distances")
    func hdbscanWithNoise() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        try await Self.blobs(fixture, count: 150)
        _ = try await fixture.catalog.addRows([NewDataRow(id: "far", rowData: "far", mediaType: .text)], to: fixture.dataset.id)
        _ = try await fixture.catalog.putVectors([(key: "far", vector: [500, 500, 500, 500])], into: "vecs", in: fixture.dataset.id)
        let clustering = try await fixture.catalog.cluster(space: "vecs", in: fixture.dataset.id, algorithm: .hdbscan(minClusterSize: 10))
        #expect(clustering.clusters.count == 3 && clustering.noise >= 1)
        var assigned = try await fixture.catalog.clusterAssignments(space: "vecs", in: fixture.dataset.id)
        #expect(assigned.clusters[assigned.ids.firstIndex(of: "far")!] == -1)
        let blobCluster = assigned.clusters[assigned.ids.firstIndex(of: "b1")!]
        // A new row inside blob 1 joins its cluster; one far from everything is noise.
        _ = try await fixture.catalog.addRows([NewDataRow(id: "near", rowData: "n", mediaType: .text), NewDataRow(id: "away", rowData: "a", mediaType: .text)],
                                              to: fixture.dataset.id)
        _ = try await fixture.catalog.putVectors([(key: "near", vector: [0, 10, 0, 0]), (key: "away", vector: [-300, 0, 300, 0])],
                                                 into: "vecs", in: fixture.dataset.id)
        assigned = try await fixture.catalog.clusterAssignments(space: "vecs", in: fixture.dataset.id)
        #expect(assigned.clusters[assigned.ids.firstIndex(of: "near")!] == blobCluster)
        #expect(assigned.clusters[assigned.ids.firstIndex(of: "away")!] == -1)
    }

    @Test("Projections are stored per row; PCA places new rows exactly, UMAP near their neighbours")
    func projectionsStoredAndExtended() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        try await Self.blobs(fixture, count: 90)
        await expectCatalogError(.notFound) { try await fixture.catalog.map(space: "vecs", in: fixture.dataset.id) }
        let summary = try await fixture.catalog.project(space: "vecs", in: fixture.dataset.id, method: .pca)
        #expect(summary.points == 90)
        let map = try await fixture.catalog.map(space: "vecs", in: fixture.dataset.id)
        #expect(map.count == 90 && map.clusters.isEmpty && map.clusterIndex.allSatisfy { $0 == -1 })
        #expect(map.labels.compactMap { $0 }.count == 81)
        try await Self.blobs(fixture, count: 9, from: 90, seed: 3)
        let extended = try await fixture.catalog.map(space: "vecs", in: fixture.dataset.id)
        #expect(extended.count == 99 && extended.createdAt == map.createdAt)
        // A new row lands among the points of its own blob (the blobs are far apart on the map).
        func centre(_ m: SpaceMap, blob: Int, rows: Range<Int>) -> (Float, Float) {
            let points = m.ids.indices.filter { rows.contains(Int(m.ids[$0].dropFirst())!) && Int(m.ids[$0].dropFirst())! % 3 == blob }
            return (points.map { m.x[$0] }.reduce(0, +) / Float(points.count), points.map { m.y[$0] }.reduce(0, +) / Float(points.count))
        }
        for blob in 0..<3 {
            let old = centre(extended, blob: blob, rows: 0..<90), new = centre(extended, blob: blob, rows: 90..<99)
            let spread = abs(old.0) + abs(old.1) + 1
            #expect(abs(old.0 - new.0) + abs(old.1 - new.1) < spread, "blob \(blob): \(old) vs \(new)")
        }
        _ = try await fixture.catalog.project(space: "vecs", in: fixture.dataset.id, method: .umap, seed: 4)
        try await Self.blobs(fixture, count: 3, from: 99, seed: 5)
        let umap = try await fixture.catalog.map(space: "vecs", in: fixture.dataset.id)
        #expect(umap.method == .umap && umap.count == 102)
    }

    @Test("Row scores and label mistakes run as jobs and land as sortable metrics; aggregates over filters")
    func scoresAsMetrics() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        try await Self.blobs(fixture, count: 120)
        // Flip two labels: b1 (a dog) is called a cat, b2 (an owl) a dog.
        _ = try await fixture.catalog.putLabels([RowLabel(rowID: "b1", label: Label(className: "cat")),
                                                 RowLabel(rowID: "b2", label: Label(className: "dog"))], in: fixture.dataset.id)
        _ = try await fixture.catalog.deleteLabels(row: "b1", className: "dog", in: fixture.dataset.id)
        _ = try await fixture.catalog.deleteLabels(row: "b2", className: "owl", in: fixture.dataset.id)
        let scores = try await fixture.catalog.waitForJob(try await fixture.catalog.computeRowScores(space: "vecs", in: fixture.dataset.id, k: 10).id)
        #expect(scores.state == .succeeded && scores.done == 120, "\(scores.error ?? "")")
        let mistakes = try await fixture.catalog.waitForJob(try await fixture.catalog.computeLabelMistakes(space: "vecs", in: fixture.dataset.id, k: 10).id)
        #expect(mistakes.state == .succeeded, "\(mistakes.error ?? "")")
        let page = try await fixture.catalog.rows(in: fixture.dataset.id, filter: RowFilter(), order: RowOrder(.metric(name: "label_mistake", className: nil), descending: true),
                                                  after: nil, limit: 2)
        #expect(Set(page.rows.map(\.id)) == ["b1", "b2"])
        let unique = try await fixture.catalog.aggregateMetric("uniqueness", kind: "max", in: fixture.dataset.id)
        #expect(unique.value == 1 && unique.count == 120)
        let mean = try await fixture.catalog.aggregateMetric("representativeness", kind: "mean", in: fixture.dataset.id)
        #expect((mean.value ?? 0) > 0 && (mean.value ?? 1) < 1)
        // Over a filter: only the cats; rows without the metric count as missing.
        let cats = RowFilter(labels: [LabelCondition(anyOf: ["cat"])])
        let catSum = try await fixture.catalog.aggregateMetric("uniqueness", kind: "sum", filter: cats, in: fixture.dataset.id)
        #expect(catSum.count == 37 && catSum.missing == 0)
        _ = try await fixture.catalog.addRows([NewDataRow(id: "plain", rowData: "p", mediaType: .text)], to: fixture.dataset.id)
        #expect(try await fixture.catalog.aggregateMetric("uniqueness", kind: "mean", in: fixture.dataset.id).missing == 1)
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.aggregateMetric("uniqueness", kind: "median", in: fixture.dataset.id) }
        _ = try await fixture.catalog.putMetrics([RowMetric(rowID: "plain", name: "uniqueness", value: 0)], in: fixture.dataset.id)
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.aggregateMetric("uniqueness", kind: "geometric_mean", in: fixture.dataset.id) }
        let skipped = try await fixture.catalog.aggregateMetric("uniqueness", kind: "harmonic_mean", skipNonPositive: true, in: fixture.dataset.id)
        #expect(skipped.skipped >= 1)
    }

    @Test("Near-duplicates by vectors and by text, one representative per group; smart select skips them")
    func duplicatesAndSelect() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .cosine)
        let texts = ["the quick brown fox jumps over the lazy dog", "the quick brown fox jumps over the lazy dog!", "a completely different sentence here",
                     "another unrelated line of text", "the quick brown fox jumped over the lazy dog"]
        _ = try await fixture.catalog.addRows(texts.enumerated().map { NewDataRow(id: "t\($0)", rowData: $1, mediaType: .text) }, to: fixture.dataset.id)
        _ = try await fixture.catalog.putVectors([(key: "t0", vector: [1, 0, 0, 0]), (key: "t1", vector: [1, 0.01, 0, 0]), (key: "t2", vector: [0, 1, 0, 0]),
                                                  (key: "t3", vector: [0, 0, 1, 0]), (key: "t4", vector: [0.99, 0.02, 0, 0])], into: "vecs", in: fixture.dataset.id)
        let vectors = try await fixture.catalog.nearDuplicates(space: "vecs", in: fixture.dataset.id, threshold: 0.99)
        #expect(vectors.groups.count == 1 && Set(vectors.groups[0].rows) == ["t0", "t1", "t4"] && vectors.redundantRows == 2)
        #expect(vectors.groups[0].rows.contains(vectors.groups[0].representative))
        let text = try await fixture.catalog.nearDuplicateTexts(in: fixture.dataset.id, threshold: 0.6)
        #expect(text.groups.count == 1 && text.groups[0].rows.contains("t0") && text.groups[0].rows.contains("t1"))
        for bad in [-0.1, 1.5, Double.nan] {
            await expectCatalogError(.invalidArgument) { try await fixture.catalog.nearDuplicates(space: "vecs", in: fixture.dataset.id, threshold: bad) }
        }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.nearDuplicateTexts(in: fixture.dataset.id, threshold: 1) }
        await expectCatalogError(.notFound) { try await fixture.catalog.nearDuplicates(space: "nope", in: fixture.dataset.id, threshold: 0.9) }
        let picked = try await fixture.catalog.smartSelect(
            SmartSelectRequest(name: "distinct", strategy: .random, count: 5, space: "vecs", excludeNearDuplicates: 0.99), in: fixture.dataset.id)
        #expect(picked.selection.rowIDs.count == 3 && picked.duplicatesSkipped == 2)
    }

    /// The decoder fixtures: one picture saved as JPEG, WebP and PNG, and three other pictures.
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EncodersTests/Fixtures/images")

    @Test("Near-duplicate images by perceptual hash: no space, one group per picture; bad distances and unreadable files refused")
    func imageDuplicates() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .cosine)
        let dataset = fixture.dataset.id
        let files = ["q90_444.jpg", "lossy.webp", "palette4.png", "chessboard_RGB.png", "checker_bilevel.png", "green_palette.png"]
        var rows = files.map { NewDataRow(id: $0, rowData: Self.images.appendingPathComponent($0).path, mediaType: .image, labels: ["x"]) }
        rows.append(NewDataRow(id: "note", rowData: "a text row is not compared", mediaType: .text))
        _ = try await fixture.catalog.addRows(rows, to: dataset)
        let report = try await fixture.catalog.nearDuplicateImages(in: dataset, maxDistance: 6)
        #expect(report.kind == "images" && report.threshold == 6 && report.candidates == 6 && report.isExact)
        #expect(report.groups.count == 1 && report.groups[0].rows == ["q90_444.jpg", "lossy.webp", "palette4.png"] && report.pairs == 3)
        #expect(report.groups[0].rows.contains(report.groups[0].representative) && report.redundantRows == 2)
        // The two checkerboards are 20 bits apart: a loose distance joins them too.
        #expect(try await fixture.catalog.nearDuplicateImages(in: dataset, maxDistance: 20).groups.count == 2)
        // A filter narrows the rows compared.
        let filtered = try await fixture.catalog.nearDuplicateImages(
            in: dataset, maxDistance: 6, filter: RowFilter(rowIDs: ["q90_444.jpg", "chessboard_RGB.png"]))
        #expect(filtered.candidates == 2 && filtered.groups.isEmpty)
        for bad in [-1, 33, 64] {
            await expectCatalogError(.invalidArgument) { try await fixture.catalog.nearDuplicateImages(in: dataset, maxDistance: bad) }
        }
        await expectCatalogError(.notFound) { try await fixture.catalog.nearDuplicateImages(in: "nope", maxDistance: 6) }
        // An unreadable image file is left out and named with the file, not a silent gap.
        _ = try await fixture.catalog.addRows([NewDataRow(id: "gone", rowData: "/no/such/picture.png", mediaType: .image)], to: dataset)
        let withGone = try await fixture.catalog.nearDuplicateImages(in: dataset, maxDistance: 6)
        #expect(withGone.skipped.map(\.rowID) == ["gone"] && withGone.skipped.first?.reason.contains("/no/such/picture.png") == true,
                "\(withGone.skipped)")
        #expect(withGone.groups.count == (try await fixture.catalog.nearDuplicateImages(in: dataset, maxDistance: 6, filter: RowFilter(rowIDs: files))).groups.count)
        // A dataset without image rows.
        let texts = try await CatalogFixture(dimensions: 4, metric: .cosine)
        _ = try await texts.catalog.addRows([NewDataRow(id: "t", rowData: "words", mediaType: .text)], to: texts.dataset.id)
        await expectCatalogError(.invalidArgument) { try await texts.catalog.nearDuplicateImages(in: texts.dataset.id, maxDistance: 6) }
    }

    @Test("Bad input: unknown space, k out of range, empty space, bad HDBSCAN sizes")
    func badInput() async throws {
        let fixture = try await CatalogFixture(dimensions: 4, metric: .l2)
        let dataset = fixture.dataset.id
        await expectCatalogError(.notFound) { try await fixture.catalog.cluster(space: "nope", in: dataset, algorithm: .kmeans(clusters: 3)) }
        let empty = try #require(await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.cluster(space: "vecs", in: dataset, algorithm: .kmeans(clusters: 3))
        })
        #expect(empty.message.contains("0 vector"))
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.project(space: "vecs", in: dataset, method: .pca) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.computeRowScores(space: "vecs", in: dataset) }
        await expectCatalogError(.notFound) { try await fixture.catalog.clustering(space: "vecs", in: dataset) }
        try await Self.blobs(fixture, count: 30)
        for k in [1, 31, 5000] {
            let error = await expectCatalogError(.invalidArgument) { try await fixture.catalog.cluster(space: "vecs", in: dataset, algorithm: .kmeans(clusters: k)) }
            #expect(error?.message.contains("k must be in 2...30") == true, "\(error?.message ?? "")")
        }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.cluster(space: "vecs", in: dataset, algorithm: .hdbscan(minClusterSize: 1)) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.cluster(space: "vecs", in: dataset, algorithm: .hdbscan(minClusterSize: 31)) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.computeLabelMistakes(space: "vecs", in: dataset, k: 0) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.computeRowScores(space: "vecs", in: dataset, k: 30) }
        await expectCatalogError(.notFound) { try await fixture.catalog.aggregateMetric("x", kind: "mean", in: "no-such-dataset") }
    }
}
