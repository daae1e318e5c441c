import ArgumentParser

/// The dataset and space a curation command works on.
struct SpaceArguments: ParsableArguments {
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "Space id or name.") var space: String
}
