import Foundation
import NeuralNet

/// A JSON object from a model folder (`config.json`, `sentence_bert_config.json`, …) with typed
/// reads whose errors name the file and the key.
struct ConfigurationObject {
    let values: [String: Any]
    /// The file (and the path of keys inside it, for a nested object), for error messages.
    let source: String

    /// Reads and parses `url`.
    /// - Throws: `NeuralNetError` `.unreadableFile` when it cannot be read, `.badConfiguration`
    ///   when it is not a JSON object.
    init(url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NeuralNetError(.unreadableFile, "cannot read '\(url.path)'", underlying: error)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw NeuralNetError(.badConfiguration, "'\(url.path)' is not a JSON object")
        }
        self.init(values: object, source: url.path)
    }

    init(values: [String: Any], source: String) {
        self.values = values
        self.source = source
    }

    /// The nested object at `key`, or nil when absent.
    func object(_ key: String) throws -> ConfigurationObject? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is not an object")
        }
        return ConfigurationObject(values: object, source: "\(source) \(key)")
    }

    /// The integer at `key`, or `fallback` when absent (an error when there is no fallback).
    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let value = values[key], !(value is NSNull) else { return try missing(key, fallback) }
        guard let number = value as? NSNumber, !(value is Bool), Double(number.intValue) == number.doubleValue else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is \(value), expected an integer")
        }
        return number.intValue
    }

    /// The positive integer at `key`, or `fallback` when absent.
    func positiveInt(_ key: String, default fallback: Int? = nil) throws -> Int {
        let value = try int(key, default: fallback)
        guard value > 0 else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is \(value), expected a positive integer")
        }
        return value
    }

    /// The number at `key`, or `fallback` when absent.
    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let value = values[key], !(value is NSNull) else { return try missing(key, fallback) }
        guard let number = value as? NSNumber, !(value is Bool) else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is \(value), expected a number")
        }
        return number.floatValue
    }

    /// The string at `key`, or `fallback` when absent.
    func string(_ key: String, default fallback: String? = nil) throws -> String {
        guard let value = values[key], !(value is NSNull) else { return try missing(key, fallback) }
        guard let string = value as? String else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is \(value), expected a string")
        }
        return string
    }

    /// The boolean at `key`, or `fallback` when absent.
    func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        guard let value = values[key], !(value is NSNull) else { return try missing(key, fallback) }
        guard let flag = value as? Bool else {
            throw NeuralNetError(.badConfiguration, "'\(source)': \(key) is \(value), expected true or false")
        }
        return flag
    }

    /// The activation named at `key` (`hidden_act`).
    func activation(_ key: String, default fallback: String? = nil) throws -> Activation {
        let name = try string(key, default: fallback)
        guard let activation = Activation(huggingFaceName: name) else {
            throw NeuralNetError(
                .badConfiguration, "'\(source)': \(key) \"\(name)\" is not supported (gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, relu)")
        }
        return activation
    }

    private func missing<T>(_ key: String, _ fallback: T?) throws -> T {
        guard let fallback else {
            throw NeuralNetError(.badConfiguration, "'\(source)' has no \(key)")
        }
        return fallback
    }
}
