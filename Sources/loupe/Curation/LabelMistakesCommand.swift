import ArgumentParser
import Catalog
import Foundation

/// `loupe label-mistakes`: the label-mistake job in the foreground.
struct LabelMistakesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label-mistakes",
        abstract: "Store how likely each labelled row's label is wrong (label_mistake; label_suggestion per class) as metrics.",
        discussion: "Then list the likeliest mistakes with: loupe export --dataset D --metric label_mistake>=0.8")

    @OptionGroup var options: CatalogOptions
    @OptionGroup var target: SpaceArguments
    @Option(help: "Neighbours per row (1...500).") var k = 30

    func run() async throws {
        try await reportingCatalogErrors {
            let catalog = try await options.open()
            let job = try await catalog.computeLabelMistakes(space: target.space, in: target.dataset, k: k)
            try await CurationJobRun.finish(job, catalog: catalog, options: options, wrote: "label_mistake, label_suggestion")
        }
    }
}
