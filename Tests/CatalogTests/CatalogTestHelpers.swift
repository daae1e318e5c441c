import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport
import VectorMath

/// A catalog in a temporary data directory, with a dataset of `rows` text rows `r0`, `r1`, …
/// and (optionally) a custom space "vecs" of `dimensions` dimensions.
struct CatalogFixture {
    let folder: TemporaryFolder
    let catalog: Catalog
    let dataset: Dataset
    static let model = TrigramModel()

    init(rows: Int = 0, dimensions: Int? = nil, metric: Metric = .cosine, index: IndexSettings = IndexSettings(),
         durability: Durability = .processCrash, runsJobs: Bool = true, models: [any EmbeddingModel] = [CatalogFixture.model]) async throws {
        folder = try TemporaryFolder()
        catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: folder.path, models: ModelRegistry(loaded: models),
                                                              durability: durability, runsJobs: runsJobs, threads: 2))
        var dataset = try await catalog.createDataset(NewDataset(name: "test"))
        if rows > 0 {
            let report = try await catalog.addRows((0..<rows).map { NewDataRow(id: "r\($0)", rowData: "row number \($0)", mediaType: .text) },
                                                   to: dataset.id)
            #expect(report.rejected == 0)
            dataset = try await catalog.dataset(dataset.id)
        }
        if let dimensions {
            _ = try await catalog.createSpace(NewEmbeddingSpace(name: "vecs", dimensions: dimensions, metric: metric, index: index),
                                              in: dataset.id)
        }
        self.dataset = dataset
    }

    /// Reopens the same data directory in a new catalog (after closing this one).
    func reopen(runsJobs: Bool = true, models: [any EmbeddingModel] = [CatalogFixture.model]) async throws -> Catalog {
        await catalog.close()
        return try await Catalog.open(CatalogConfiguration(dataDirectory: folder.path, models: ModelRegistry(loaded: models),
                                                           durability: .processCrash, runsJobs: runsJobs, threads: 2))
    }

    /// Writes `text` to a file in the folder and returns its path.
    func write(_ name: String, _ text: String) -> String {
        let path = folder.file(name)
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func write(_ name: String, data: Data) -> String {
        let path = folder.file(name)
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    /// Seeded vectors for rows r0…r(count-1), row-major.
    static func vectors(count: Int, dimensions: Int, seed: UInt64 = 7) -> [Float] {
        TestData.clustered(count: count, dimensions: dimensions, clusters: 8, seed: seed)
    }

    /// NDJSON lines for rows r0… with `values`.
    static func ndjson(_ values: [Float], dimensions: Int, prefix: String = "r") -> String {
        (0..<values.count / dimensions).map {
            VectorLines.line(id: "\(prefix)\($0)", vector: TestData.row(values, $0, dimensions: dimensions))
        }.joined(separator: "\n") + "\n"
    }
}

/// Expects `body` to throw a `CatalogError` with `code`; returns it.
@discardableResult
func expectCatalogError<T>(_ code: CatalogError.Code, _ body: () async throws -> T,
                           sourceLocation: SourceLocation = #_sourceLocation) async -> CatalogError? {
    do {
        _ = try await body()
        Issue.record("expected a \(code) error, got success", sourceLocation: sourceLocation)
    } catch let error as CatalogError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a CatalogError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
