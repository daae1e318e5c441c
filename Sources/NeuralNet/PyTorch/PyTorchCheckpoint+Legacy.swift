/// The legacy `torch.save` layout (PyTorch < 1.6, or `_use_new_zipfile_serialization=False`),
/// as `torch.serialization._legacy_save` writes it:
///
/// 1. a pickle of the magic number 0x1950a86a20f9469cfc6c,
/// 2. a pickle of the protocol version (1001),
/// 3. a pickle of `sys_info` (`little_endian`, type sizes),
/// 4. the pickle of the object itself, whose storages are persistent ids,
/// 5. a pickle of the list of storage keys, in the order their data follows,
/// 6. per storage: its element count as 8 little-endian bytes, then its raw elements.
extension PyTorchCheckpoint {
    /// The magic number's LONG1 digits, little-endian.
    private static let legacyMagicDigits: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// True if the file starts with the pickled legacy magic number (PROTO 2, LONG1 of 10 bytes).
    static func hasLegacyMagic(_ raw: UnsafeRawBufferPointer) -> Bool {
        raw.count >= 14 && raw[0] == 0x80 && raw[2] == 0x8A && raw[3] == 10 && Array(raw[4..<14]) == legacyMagicDigits
    }

    static func readLegacy(
        _ raw: UnsafeRawBufferPointer, source: String
    ) throws -> (tensors: [(String, TorchTensorReference)], storages: StorageTable) {
        let resolver = TorchPickleResolver(source: source)
        var unpickler = Unpickler(bytes: raw, source: source)
        guard case .bigInt(let magic) = try unpickler.load(resolver), magic == legacyMagicDigits else {
            throw NeuralNetError(.unreadableFile, "'\(source)' does not start with the legacy torch.save magic number")
        }
        guard case .int(let version) = try unpickler.load(resolver), version == 1001 else {
            throw NeuralNetError(.unsupportedType, "'\(source)' has a legacy torch.save protocol version other than 1001")
        }
        guard case .dict(let info) = try unpickler.load(resolver) else {
            throw NeuralNetError(.corruptFile, "'\(source)' has no sys_info record after its protocol version")
        }
        for (key, value) in info.entries {
            if case .string("little_endian") = key, case .bool(false) = value {
                throw NeuralNetError(.unsupportedType, "'\(source)' was saved on a big-endian machine; only little-endian data is read")
            }
        }
        let tensors = try tensors(in: try unpickler.load(resolver), source: source)
        guard case .list(let keyList) = try unpickler.load(resolver) else {
            throw NeuralNetError(.corruptFile, "'\(source)' has no list of storage keys after its state dict")
        }
        // The raw storages follow, in the order of the key list.
        var storages: StorageTable = [:]
        var at = unpickler.position
        for item in keyList.items {
            guard case .string(let key) = item, let storage = resolver.storages[key] else {
                throw NeuralNetError(.corruptFile, "'\(source)' lists a storage key (\(item.kind)) that no tensor declared")
            }
            guard raw.count - at >= 8 else {
                throw NeuralNetError(.corruptFile, "'\(source)' ends before the data of storage '\(key)' (byte \(at) of \(raw.count))")
            }
            let count = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let byteCount = count.multipliedReportingOverflow(by: UInt64(storage.type.byteWidth))
            guard count == UInt64(storage.count), !byteCount.overflow, byteCount.partialValue <= UInt64(raw.count - at - 8) else {
                throw NeuralNetError(
                    .corruptFile,
                    "'\(source)': storage '\(key)' declares \(storage.count) elements but its data record says \(count) at byte \(at), or runs past the end of the \(raw.count)-byte file")
            }
            storages[key] = at + 8
            at += 8 + Int(byteCount.partialValue)
        }
        return (tensors, storages)
    }
}
