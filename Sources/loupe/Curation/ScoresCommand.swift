import ArgumentParser
import Catalog
import Foundation

/// `loupe scores`: run the row-score job in the foreground; its scores
/// land as metrics (filter and sort by them, aggregate them).
struct ScoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Store each row's uniqueness and representativeness (from its k nearest neighbours in a space) as metrics.")

    @OptionGroup var options: CatalogOptions
    @OptionGroup var target: SpaceArguments
    @Option(help: "Neighbours per row (3...500).") var k = 15

    func run() async throws {
        try await reportingCatalogErrors {
            let catalog = try await options.open()
            let job = try await catalog.computeRowScores(space: target.space, in: target.dataset, k: k)
            try await CurationJobRun.finish(job, catalog: catalog, options: options, wrote: "uniqueness, representativeness")
        }
    }
}

/// Waiting for a curation job started by the CLI.
enum CurationJobRun {
    static func finish(_ started: Job, catalog: Catalog, options: CatalogOptions, wrote: String) async throws {
        let job = try await catalog.waitForJob(started.id)
        await catalog.close()
        try options.output(job) {
            "job \(job.id): \(job.state.rawValue), \(job.done) rows scored" + (job.state == .succeeded ? "; metrics \(wrote)" : "")
                + (job.error.map { ": \($0)" } ?? "")
        }
        if job.state != .succeeded { throw ExitCode(1) }
    }
}
