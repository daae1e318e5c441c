import ArgumentParser
import Foundation
import LoupeServer

/// `loupe keys create|list|revoke`: the API keys a server in this data directory accepts.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys (stored as SHA-256 hashes in the data directory).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Options: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "The catalog's data directory.")
        var dataDirectory = "./loupe-data"

        @Flag(help: "Print JSON instead of text.")
        var json = false

        var store: APIKeyStore { APIKeyStore(directory: URL(fileURLWithPath: dataDirectory)) }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")

        @OptionGroup var options: Options

        @Option(help: "A name for the key.")
        var name: String

        @Option(help: "read, write or admin.")
        var scope: APIScope = .read

        func run() throws {
            let (key, record) = try options.store.create(name: name, scope: scope)
            if options.json {
                print(try JSONOutput.text(["id": record.id, "name": record.name, "scope": record.scope.rawValue, "key": key]))
            } else {
                print(key)
                FileHandle.standardError.write(
                    Data("Created \(record.scope.rawValue) key '\(record.name)' (id \(record.id)). It is shown only now: keep it safe.\n".utf8))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never the secrets).")

        @OptionGroup var options: Options

        func run() throws {
            let keys = try options.store.list()
            if options.json {
                let rows: [[String: String]] = keys.map {
                    var row = ["id": $0.id, "name": $0.name, "scope": $0.scope.rawValue, "created": $0.created.ISO8601Format()]
                    if let revoked = $0.revoked { row["revoked"] = revoked.ISO8601Format() }
                    return row
                }
                print(try JSONOutput.text(rows))
                return
            }
            if keys.isEmpty { print("No API keys: the server is open on loopback and refuses other addresses.") }
            for key in keys {
                let state = key.revoked.map { "revoked \($0.ISO8601Format())" } ?? "active"
                print("\(key.id)  \(key.scope.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(state)  \(key.name)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; a running server refuses it from its next request.")

        @OptionGroup var options: Options

        @Argument(help: "The key's id (from `loupe keys list`).")
        var id: String

        func run() throws {
            let key = try options.store.revoke(id: id)
            if options.json {
                print(try JSONOutput.text(["id": key.id, "revoked": true] as [String: Any]))
            } else {
                print("Revoked key \(key.id) ('\(key.name)').")
            }
        }
    }
}

extension APIScope: ExpressibleByArgument {}
