import ArgumentParser

/// `loupe bench …`: Loupe's benchmarks, run under the same rules as the peer harnesses.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Loupe's speed and quality on real data.",
        subcommands: [
            ANNBenchCommand.self, TreesBenchCommand.self, MinHashBenchCommand.self, RTreeBenchCommand.self, ImagesBenchCommand.self,
            CurationBenchCommand.self, TextEncoderBenchCommand.self, ImageEncoderBenchCommand.self,
            ImportBenchCommand.self, HTTPBenchCommand.self, SelectBenchCommand.self, ConSEBenchCommand.self,
        ])
}
