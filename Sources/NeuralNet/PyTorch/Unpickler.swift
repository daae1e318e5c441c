/// What an `Unpickler` cannot decide alone: which globals a pickle may name, what calling one
/// builds, and what a persistent id refers to. A resolver only builds values from a fixed list of
/// known names; nothing in a pickle is ever executed.
protocol PickleResolver: AnyObject {
    /// The global `module.name`, or an error when the loader does not allow it.
    func global(module: String, name: String) throws -> PickleGlobal
    /// The value REDUCE or NEWOBJ builds by calling `callable` with `arguments`.
    func call(_ callable: PickleGlobal, arguments: [PickleValue]) throws -> PickleValue
    /// The value BUILD makes of `object` with `state` (e.g. an OrderedDict's `_metadata`).
    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue
    /// The object a BINPERSID persistent id stands for (a storage in a torch checkpoint).
    func persistentLoad(_ id: PickleValue) throws -> PickleValue
}

/// A small virtual machine for the pickle protocol (0–5 framing, protocol 2 opcodes), covering
/// what `torch.save` writes: containers, ints, floats, strings, memo, globals, REDUCE, BUILD,
/// NEWOBJ and persistent ids. Every read is bounds-checked; anything else is an error naming
/// the opcode, its offset and the file.
struct Unpickler {
    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next opcode; after `load()`, the first byte after STOP.
    private(set) var position: Int
    private let source: String
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Reads the pickle that starts at `position` in `bytes`; `source` names the file in errors.
    init(bytes: UnsafeRawBufferPointer, position: Int = 0, source: String) {
        self.bytes = bytes
        self.position = position
        self.source = source
    }

    /// Runs the pickle to its STOP opcode and returns the value it built.
    /// - Throws: `NeuralNetError` `.corruptFile` for a truncated or malformed pickle; whatever
    ///   `resolver` throws for globals and calls it does not allow.
    mutating func load(_ resolver: PickleResolver) throws -> PickleValue {
        stack.removeAll(keepingCapacity: true)
        marks.removeAll()
        memo.removeAll()
        while true {
            let start = position
            let opcode = try readByte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try readByte()
                guard version <= 5 else { throw corrupt("pickle protocol \(version) is newer than 5", at: start) }
            case 0x95:  // FRAME
                _ = try read(8)
            case 0x2E:  // STOP
                return try pop(start)
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
            case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4B: stack.append(.int(Int(try readByte())))  // BININT1
            case 0x4D: stack.append(.int(Int(try readUInt(2))))  // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))  // BININT
            case 0x8A: stack.append(try readLong(Int(try readByte())))  // LONG1
            case 0x8B: stack.append(try readLong(try readLength(4, start)))  // LONG4
            case 0x47:  // BINFLOAT (big-endian)
                stack.append(.float(Double(bitPattern: try read(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58: stack.append(.string(try readUTF8(try readLength(4, start), start)))  // BINUNICODE
            case 0x8C: stack.append(.string(try readUTF8(Int(try readByte()), start)))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try readUTF8(try readLength(8, start), start)))  // BINUNICODE8
            case 0x54: stack.append(.string(Self.python2String(try read(try readLength(4, start)))))  // BINSTRING
            case 0x55: stack.append(.string(Self.python2String(try read(Int(try readByte())))))  // SHORT_BINSTRING
            case 0x42: stack.append(.bytes(Array(try read(try readLength(4, start)))))  // BINBYTES
            case 0x43: stack.append(.bytes(Array(try read(Int(try readByte())))))  // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes(Array(try read(try readLength(8, start)))))  // BINBYTES8
            case 0x74: stack.append(.tuple(try popToMark(start)))  // TUPLE
            case 0x85: stack.append(.tuple(try pop(1, start)))  // TUPLE1
            case 0x86: stack.append(.tuple(try pop(2, start)))  // TUPLE2
            case 0x87: stack.append(.tuple(try pop(3, start)))  // TUPLE3
            case 0x61:  // APPEND
                let value = try pop(start)
                try list(start).items.append(value)
            case 0x65:  // APPENDS
                let values = try popToMark(start)
                try list(start).items.append(contentsOf: values)
            case 0x73:  // SETITEM
                let value = try pop(start)
                let key = try pop(start)
                try dict(start).set(key, value)
            case 0x75:  // SETITEMS
                let values = try popToMark(start)
                guard values.count % 2 == 0 else { throw corrupt("SETITEMS with an odd number of items", at: start) }
                let target = try dict(start)
                for i in stride(from: 0, to: values.count, by: 2) { target.set(values[i], values[i + 1]) }
            case 0x71: try memoize(Int(try readByte()), start)  // BINPUT
            case 0x72: try memoize(Int(try readUInt(4)), start)  // LONG_BINPUT
            case 0x94: try memoize(memo.count, start)  // MEMOIZE
            case 0x68: stack.append(try recall(Int(try readByte()), start))  // BINGET
            case 0x6A: stack.append(try recall(Int(try readUInt(4)), start))  // LONG_BINGET
            case 0x63:  // GLOBAL
                let module = try readLine(start)
                let name = try readLine(start)
                stack.append(.global(try resolver.global(module: module, name: name)))
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(start), case .string(let module) = try pop(start) else {
                    throw corrupt("STACK_GLOBAL without two strings", at: start)
                }
                stack.append(.global(try resolver.global(module: module, name: name)))
            case 0x52, 0x81:  // REDUCE, NEWOBJ
                let arguments = try pop(start)
                let callable = try pop(start)
                guard case .global(let global) = callable, case .tuple(let items) = arguments else {
                    throw corrupt("\(opcode == 0x52 ? "REDUCE" : "NEWOBJ") of a \(callable.kind) with a \(arguments.kind)", at: start)
                }
                stack.append(try resolver.call(global, arguments: items))
            case 0x62:  // BUILD
                let state = try pop(start)
                let object = try pop(start)
                stack.append(try resolver.build(object, state: state))
            case 0x51:  // BINPERSID
                stack.append(try resolver.persistentLoad(try pop(start)))
            case 0x30:  // POP
                if let mark = marks.last, mark == stack.count { marks.removeLast() } else { _ = try pop(start) }
            case 0x31: _ = try popToMark(start)  // POP_MARK
            case 0x32: stack.append(try top(start))  // DUP
            default:
                throw corrupt("unsupported pickle opcode 0x\(String(opcode, radix: 16))", at: start)
            }
        }
    }

    // MARK: - Stack

    private mutating func pop(_ at: Int) throws -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw corrupt("pickle stack underflow", at: at) }
        return stack.removeLast()
    }

    private mutating func pop(_ count: Int, _ at: Int) throws -> [PickleValue] {
        guard stack.count - count >= (marks.last ?? 0) else { throw corrupt("pickle stack underflow", at: at) }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popToMark(_ at: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw corrupt("pickle has no MARK to pop to", at: at) }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private func top(_ at: Int) throws -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else {
            throw corrupt("pickle stack underflow", at: at)
        }
        return value
    }

    private func list(_ at: Int) throws -> PickleList {
        guard case .list(let list) = try top(at) else { throw corrupt("APPEND to a \(try top(at).kind)", at: at) }
        return list
    }

    private func dict(_ at: Int) throws -> PickleDict {
        guard case .dict(let dict) = try top(at) else { throw corrupt("SETITEM on a \(try top(at).kind)", at: at) }
        return dict
    }

    private mutating func memoize(_ index: Int, _ at: Int) throws {
        memo[index] = try top(at)
    }

    private func recall(_ index: Int, _ at: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw corrupt("memo entry \(index) read before it was stored", at: at) }
        return value
    }

    // MARK: - Bytes

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer.SubSequence {
        guard count >= 0, count <= bytes.count - position else {
            throw NeuralNetError(
                .corruptFile, "'\(source)' ends inside a pickle: \(count) bytes needed at byte \(position) of \(bytes.count)")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func readByte() throws -> UInt8 { try read(1).first ?? 0 }

    private mutating func readUInt(_ width: Int) throws -> UInt64 {
        try read(width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A byte length of `width` bytes, checked against what is left of the file.
    private mutating func readLength(_ width: Int, _ at: Int) throws -> Int {
        let length = try readUInt(width)
        guard length <= UInt64(bytes.count - position) else {
            throw corrupt("a \(length)-byte item runs past the end of the file", at: at)
        }
        return Int(length)
    }

    private mutating func readLong(_ count: Int) throws -> PickleValue {
        let digits = Array(try read(count))
        guard count <= 8 else { return .bigInt(digits) }
        guard let last = digits.last else { return .int(0) }
        var value: UInt64 = last & 0x80 != 0 ? ~0 : 0  // sign extension
        for byte in digits.reversed() { value = value << 8 | UInt64(byte) }
        return .int(Int(Int64(bitPattern: value)))
    }

    private mutating func readUTF8(_ count: Int, _ at: Int) throws -> String {
        guard let text = String(validating: try read(count), as: UTF8.self) else {
            throw corrupt("a string that is not UTF-8", at: at)
        }
        return text
    }

    private mutating func readLine(_ at: Int) throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw corrupt("GLOBAL without a newline", at: at) }
        let line = try readUTF8(end - position, at)
        position += 1
        return line
    }

    /// A Python 2 `str`: UTF-8 when it is valid, otherwise Latin-1 (as `torch.load(encoding='latin1')`).
    private static func python2String(_ raw: UnsafeRawBufferPointer.SubSequence) -> String {
        String(validating: raw, as: UTF8.self) ?? String(raw.map { Character(Unicode.Scalar($0)) })
    }

    private func corrupt(_ what: String, at offset: Int) -> NeuralNetError {
        NeuralNetError(.corruptFile, "'\(source)' has a malformed pickle: \(what) (byte \(offset))")
    }
}
