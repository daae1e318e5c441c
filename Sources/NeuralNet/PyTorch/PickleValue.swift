/// A Python value rebuilt by `Unpickler`: only the kinds `torch.save` writes into a checkpoint.
///
/// Lists and dicts are reference types (`PickleList`, `PickleDict`) because a pickle may fill a
/// container after storing it in the memo, and every reference must see the filled container.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int` (LONG1/LONG4), as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL/STACK_GLOBAL that the loader allows.
    case global(PickleGlobal)
    /// A storage returned by the persistent loader (BINPERSID).
    case storage(TorchStorageReference)
    /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2` and friends.
    case tensor(TorchTensorReference)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple(let items): "tuple of \(items.count)"
        case .list: "list"
        case .dict: "dict"
        case .global(let global): global.qualifiedName
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// A `module.name` reference from a pickle.
struct PickleGlobal: Hashable {
    let module: String
    let name: String
    var qualifiedName: String { "\(module).\(name)" }
}

/// A Python list, shared by reference between the stack and the memo.
final class PickleList {
    var items: [PickleValue] = []
}

/// A Python dict (or `collections.OrderedDict`) keeping insertion order, shared by reference.
final class PickleDict {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var positionOfString: [String: Int] = [:]
    private var positionOfInt: [Int: Int] = [:]

    /// Sets `key` to `value`; a repeated string or int key replaces the earlier value in place.
    func set(_ key: PickleValue, _ value: PickleValue) {
        switch key {
        case .string(let name):
            if let position = positionOfString[name] { entries[position].value = value; return }
            positionOfString[name] = entries.count
        case .int(let number):
            if let position = positionOfInt[number] { entries[position].value = value; return }
            positionOfInt[number] = entries.count
        default:
            break
        }
        entries.append((key, value))
    }
}
