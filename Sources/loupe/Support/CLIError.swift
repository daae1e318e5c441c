/// A command-line failure with a message for the user (printed by ArgumentParser as `Error: …`).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
