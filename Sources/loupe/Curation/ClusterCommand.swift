import ArgumentParser
import Catalog
import Foundation

/// `loupe cluster`: cluster a space (k-means or HDBSCAN) and store each row's cluster, or show
/// the stored clustering (rows added since are placed without a refit).
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster a space's vectors (k-means or HDBSCAN) and store each row's cluster; --show prints the stored clusters.",
        discussion: """
            loupe cluster --dataset fashion --space pixels --k 10
            loupe cluster --dataset fashion --space pixels --algorithm hdbscan --min-cluster-size 50
            loupe cluster --dataset fashion --space pixels --show --json
            """)

    @OptionGroup var options: CatalogOptions
    @OptionGroup var target: SpaceArguments
    @Option(help: "kmeans or hdbscan.") var algorithm = "kmeans"
    @Option(help: "k for k-means (2...min(rows, 1000)).") var k: Int?
    @Option(help: "k-means restarts (best inertia kept).") var restarts = 3
    @Option(help: "HDBSCAN's smallest cluster.") var minClusterSize = 5
    @Option(help: "HDBSCAN's min_samples (default: the smallest cluster).") var minSamples: Int?
    @Option(help: "Seeds k-means++ and the summaries.") var seed: UInt64 = 42
    @Flag(help: "Print the stored clustering instead of computing one.") var show = false
    @Flag(help: "With --json: also print every row's cluster.") var assignments = false

    func validate() throws {
        guard show || algorithm == "hdbscan" || k != nil else { throw ValidationError("k-means needs --k") }
        guard ["kmeans", "hdbscan"].contains(algorithm) else { throw ValidationError("--algorithm must be kmeans or hdbscan") }
    }

    func run() async throws {
        try await reportingCatalogErrors {
            let catalog = try await options.open()
            let clustering: SpaceClustering
            if show {
                clustering = try await catalog.clustering(space: target.space, in: target.dataset)
            } else {
                let chosen: ClusteringAlgorithm = algorithm == "hdbscan"
                    ? .hdbscan(minClusterSize: minClusterSize, minSamples: minSamples) : .kmeans(clusters: k ?? 0, restarts: restarts)
                clustering = try await catalog.cluster(space: target.space, in: target.dataset, algorithm: chosen, seed: seed)
            }
            if options.json && assignments {
                let (ids, clusters) = try await catalog.clusterAssignments(space: target.space, in: target.dataset)
                try options.output(ClusteringWithRows(clustering: clustering, ids: ids, clusters: clusters)) { "" }
            } else {
                try options.output(clustering) { Self.describe(clustering) }
            }
            await catalog.close()
        }
    }

    static func describe(_ clustering: SpaceClustering) -> String {
        var lines = ["\(clustering.algorithm): \(clustering.clusters.count) clusters over \(clustering.rows) rows"
            + (clustering.noise > 0 ? ", \(clustering.noise) noise" : "")
            + (clustering.assignedSinceFit > 0 ? ", \(clustering.assignedSinceFit) placed since the fit" : "")]
        for cluster in clustering.clusters {
            let labels = cluster.labels.map { "\($0.className) \($0.count)" }.joined(separator: ", ")
            lines.append("\(cluster.id)\t\(cluster.size)\t\(cluster.name)\t\(labels)\tcentral: \(cluster.central.prefix(3).joined(separator: " "))")
        }
        return lines.joined(separator: "\n")
    }
}

/// `loupe cluster --json --assignments`: the clustering and every row's cluster.
struct ClusteringWithRows: Encodable {
    let clustering: SpaceClustering
    let ids: [String]
    let clusters: [Int32]
}
