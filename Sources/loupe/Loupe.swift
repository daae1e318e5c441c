import ArgumentParser

/// The `loupe` command line.
@main
struct Loupe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loupe",
        abstract: "A self-hosted embeddings catalog.",
        subcommands: [ModelsCommand.self, BenchCommand.self])
}
