import NeuralNet

/// A weight archive seen with one tensor hidden, or with an extra one: how the tests make a
/// checkpoint that lacks a tensor or has one the model does not know.
struct EditedArchive: WeightArchive {
    let base: any WeightArchive
    var hidden: Set<String> = []
    var extra: [String: Tensor] = [:]

    var source: String { base.source }
    var tensorNames: [String] { (base.tensorNames.filter { !hidden.contains($0) } + extra.keys).sorted() }

    func shape(of name: String) -> [Int]? {
        if let tensor = extra[name] { return tensor.shape }
        return hidden.contains(name) ? nil : base.shape(of: name)
    }

    func tensor(named name: String) throws -> Tensor {
        if let tensor = extra[name] { return tensor }
        guard !hidden.contains(name) else { throw NeuralNetError(.missingTensor, "'\(source)' has no tensor '\(name)'") }
        return try base.tensor(named: name)
    }
}
