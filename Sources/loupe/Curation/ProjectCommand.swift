import ArgumentParser
import Catalog
import Foundation

/// `loupe project`: lay a space's rows out in 2-D (PCA or UMAP) and store the points for the map.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Project a space's vectors to 2-D (PCA or UMAP) and store every row's point for the map.")

    @OptionGroup var options: CatalogOptions
    @OptionGroup var target: SpaceArguments
    @Option(help: "pca or umap.") var method = "pca"
    @Option(help: "Seeds UMAP.") var seed: UInt64 = 42
    @Flag(help: "With --json: also print every point (ids, x, y, cluster).") var points = false

    func run() async throws {
        try await reportingCatalogErrors {
            guard let chosen = ProjectionMethod(rawValue: method) else { throw ValidationError("--method must be pca or umap") }
            let catalog = try await options.open()
            let summary = try await catalog.project(space: target.space, in: target.dataset, method: chosen, seed: seed)
            if options.json && points {
                let map = try await catalog.map(space: target.space, in: target.dataset)
                try options.output(MapPoints(projection: summary, ids: map.ids, x: map.x, y: map.y, clusters: map.clusterIndex)) { "" }
            } else {
                try options.output(summary) { "projected \(summary.points) rows of space \(target.space) by \(summary.method.rawValue)" }
            }
            await catalog.close()
        }
    }
}

/// `loupe project --json --points`.
struct MapPoints: Encodable {
    let projection: ProjectionSummary
    let ids: [String]
    let x: [Float]
    let y: [Float]
    let clusters: [Int32]
}
