/// The zip layout of `torch.save` (PyTorch ≥ 1.6): an archive whose records all sit under one
/// folder (`archive/` by default): `data.pkl` (the pickled object, storages as persistent ids),
/// `data/<key>` (each storage's raw little-endian elements, stored uncompressed), `byteorder`,
/// `version` and others that are not needed.
extension PyTorchCheckpoint {
    static func readZip(
        _ raw: UnsafeRawBufferPointer, source: String
    ) throws -> (tensors: [(String, TorchTensorReference)], storages: StorageTable) {
        let directory = try ZipDirectory(raw, source: source)
        let pickles = directory.entries.keys.filter { $0.hasSuffix("data.pkl") && $0.split(separator: "/").count == 2 }
        guard pickles.count == 1, let pickleName = pickles.first, let pickle = directory.entries[pickleName] else {
            let compressedPickle = directory.compressed.contains { $0.hasSuffix("/data.pkl") }
            throw NeuralNetError(
                compressedPickle ? .unsupportedType : .unreadableFile,
                compressedPickle ? "'\(source)' stores data.pkl compressed; torch.save stores it uncompressed"
                    : "'\(source)' is a zip archive but not a torch.save checkpoint: it has no single <folder>/data.pkl")
        }
        let folder = String(pickleName.dropLast("data.pkl".count))
        if let order = directory.entries[folder + "byteorder"] {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[order.offset..<(order.offset + order.count)]), as: UTF8.self)
            guard text == "little" else {
                throw NeuralNetError(.unsupportedType, "'\(source)' has byteorder '\(text)'; only little-endian data is read")
            }
        }
        let resolver = TorchPickleResolver(source: source)
        let pickleBytes = UnsafeRawBufferPointer(rebasing: raw[pickle.offset..<(pickle.offset + pickle.count)])
        var unpickler = Unpickler(bytes: pickleBytes, source: source + ":" + pickleName)
        let tensors = try tensors(in: try unpickler.load(resolver), source: source)
        var storages: StorageTable = [:]
        for (key, storage) in resolver.storages {
            let recordName = folder + "data/" + key
            guard let record = directory.entries[recordName] else {
                throw NeuralNetError(
                    directory.compressed.contains(recordName) ? .unsupportedType : .corruptFile,
                    "'\(source)' has no stored record '\(recordName)' for a storage of \(storage.count) elements")
            }
            let needed = storage.count.multipliedReportingOverflow(by: storage.type.byteWidth)
            guard !needed.overflow, record.count >= needed.partialValue else {
                throw NeuralNetError(
                    .corruptFile,
                    "'\(source)': record '\(recordName)' has \(record.count) bytes, fewer than its \(storage.count) elements need")
            }
            storages[key] = record.offset
        }
        return (tensors, storages)
    }
}
