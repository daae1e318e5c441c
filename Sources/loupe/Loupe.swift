import ArgumentParser

/// The `loupe` command line.
@main
struct Loupe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loupe",
        abstract: "A self-hosted embeddings catalog.",
        subcommands: [
            DatasetsCommand.self, ImportCommand.self, SpacesCommand.self, SearchCommand.self, ExportCommand.self,
            ClusterCommand.self, ProjectCommand.self, ScoresCommand.self, LabelMistakesCommand.self, DuplicatesCommand.self,
            SelectCommand.self, MetricsCommand.self,
            ServeCommand.self, KeysCommand.self, InferCommand.self, EmbedCommand.self, ModelsCommand.self, BenchCommand.self,
        ])
}
