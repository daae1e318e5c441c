/// The torch side of unpickling a checkpoint: the only globals a `torch.save` state dict needs
/// (`collections.OrderedDict`, the `_rebuild_tensor` family, the typed storage classes), what
/// calling them builds, and storage references from persistent ids. Any other global is an error
/// that names it: nothing in a checkpoint is executed.
final class TorchPickleResolver: PickleResolver {
    private let source: String
    /// The element type and size of every storage key seen, for the legacy format's data section.
    private(set) var storages: [String: TorchStorageReference] = [:]

    init(source: String) { self.source = source }

    private static let storageTypes: [String: ElementType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
        "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
    ]
    private static let functions: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    ]

    func global(module: String, name: String) throws -> PickleGlobal {
        let global = PickleGlobal(module: module, name: name)
        let isStorage = (module == "torch" || module == "torch.cuda") && Self.storageTypes[name] != nil
        guard isStorage || Self.functions.contains(global.qualifiedName) else {
            throw NeuralNetError(
                .unsupportedType,
                "'\(source)' refers to the Python global '\(global.qualifiedName)'; a checkpoint may only hold tensors, storages and dicts, and nothing in it is run")
        }
        return global
    }

    func call(_ callable: PickleGlobal, arguments: [PickleValue]) throws -> PickleValue {
        switch callable.qualifiedName {
        case "collections.OrderedDict":
            let dict = PickleDict()
            if case .list(let pairs)? = arguments.first {
                for case .tuple(let pair) in pairs.items where pair.count == 2 { dict.set(pair[0], pair[1]) }
            }
            return .dict(dict)
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            return .tensor(try rebuildTensor(arguments))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard case .tensor(let tensor)? = arguments.first else { throw malformed("\(callable.qualifiedName) without a tensor") }
            return .tensor(tensor)
        default:
            throw NeuralNetError(.unsupportedType, "'\(source)' calls '\(callable.qualifiedName)', which a checkpoint reader does not build")
        }
    }

    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        switch object {
        case .dict, .tensor: return object  // OrderedDict `_metadata`, tensor hooks: not weights
        default: throw malformed("BUILD of a \(object.kind)")
        }
    }

    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let fields) = id, fields.count == 5 || fields.count == 6,
              case .string("storage") = fields[0],
              case .global(let type) = fields[1], let elementType = Self.storageTypes[type.name],
              case .int(let count) = fields[4], count >= 0
        else { throw malformed("a persistent id that is not a storage (\(id.kind))") }
        let key: String
        switch fields[2] {
        case .string(let text): key = text
        case .int(let number): key = String(number)
        default: throw malformed("a storage key that is a \(fields[2].kind)")
        }
        var viewOffset = 0
        var viewCount = count
        if fields.count == 6, case .tuple(let view) = fields[5] {
            guard view.count == 3, case .int(let offset) = view[1], case .int(let length) = view[2],
                  offset >= 0, length >= 0, offset <= count - length
            else { throw malformed("storage '\(key)' has a view outside it") }
            (viewOffset, viewCount) = (offset, length)
        }
        if let known = storages[key], known.type != elementType || known.count != count {
            throw malformed("storage '\(key)' is declared twice with different types or sizes")
        }
        let storage = TorchStorageReference(key: key, type: elementType, count: count, viewOffset: viewOffset, viewCount: viewCount)
        storages[key] = TorchStorageReference(key: key, type: elementType, count: count, viewOffset: 0, viewCount: count)
        return .storage(storage)
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, …)`.
    private func rebuildTensor(_ arguments: [PickleValue]) throws -> TorchTensorReference {
        guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
              let shape = Self.ints(arguments[2]), let strides = Self.ints(arguments[3])
        else { throw malformed("_rebuild_tensor arguments that are not (storage, offset, size, stride)") }
        return TorchTensorReference(storage: storage, offset: offset, shape: shape, strides: strides)
    }

    private static func ints(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let number) = item else { return nil }
            result.append(number)
        }
        return result
    }

    private func malformed(_ what: String) -> NeuralNetError {
        NeuralNetError(.corruptFile, "'\(source)' is not a valid torch checkpoint: \(what)")
    }
}
