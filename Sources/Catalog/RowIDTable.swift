import Synchronization

/// The row ids of a dataset's slots, in memory, for turning search results into ids without a
/// database read.
///
/// Slots are never reused within a dataset (`Store`), so a slot's id never changes while the
/// slot lives; a table loaded with an index stays right for every slot that index can return.
/// Slots added later (vectors imported for new rows) are read from the store at their first
/// lookup and kept. Ids are held compactly: one sorted slot array, one end offset per slot and
/// the ids' UTF-8 bytes back to back (about 12 bytes a row plus the id itself).
final class RowIDTable: Sendable {
    private struct Storage {
        /// Slots of the bulk-loaded rows, ascending.
        var slots: [UInt32] = []
        /// `ends[i]` is one past the last byte of the id of `slots[i]` in `bytes`.
        var ends: [Int] = []
        var bytes: [UInt8] = []
        /// Ids looked up after the bulk load.
        var added: [UInt32: String] = [:]

        func id(of slot: UInt32) -> String? {
            var low = 0
            var high = slots.count
            while low < high {
                let middle = (low + high) / 2
                if slots[middle] < slot { low = middle + 1 } else { high = middle }
            }
            guard low < slots.count, slots[low] == slot else { return added[slot] }
            let start = low == 0 ? 0 : ends[low - 1]
            return String(decoding: bytes[start..<ends[low]], as: UTF8.self)
        }
    }

    let datasetID: String
    private let storage: Mutex<Storage>

    /// A table holding `ids` (slot → id).
    init(datasetID: String, ids: [(slot: UInt32, id: String)]) {
        self.datasetID = datasetID
        var storage = Storage()
        let sorted = ids.sorted { $0.slot < $1.slot }
        storage.slots.reserveCapacity(sorted.count)
        storage.ends.reserveCapacity(sorted.count)
        storage.bytes.reserveCapacity(sorted.reduce(0) { $0 + $1.id.utf8.count })
        for (slot, id) in sorted where storage.slots.last != slot {
            storage.slots.append(slot)
            storage.bytes.append(contentsOf: id.utf8)
            storage.ends.append(storage.bytes.count)
        }
        self.storage = Mutex(storage)
    }

    /// Every row id of the dataset, from the store.
    static func load(datasetID: String, store: any Store) async throws -> RowIDTable {
        let slots = try await store.slotsByKey(datasetID: datasetID, globalKeys: false)
        return RowIDTable(datasetID: datasetID, ids: slots.map { (slot: $0.value, id: $0.key) })
    }

    /// The ids of `slots`; those not in the table are read from the store and kept. Slots
    /// without a row are absent from the answer.
    func ids(of slots: [UInt32], store: any Store) async throws -> [UInt32: String] {
        var ids: [UInt32: String] = [:]
        ids.reserveCapacity(slots.count)
        let missing: [UInt32] = storage.withLock { storage in
            slots.filter { slot in
                guard let id = storage.id(of: slot) else { return true }
                ids[slot] = id
                return false
            }
        }
        guard !missing.isEmpty else { return ids }
        let found = try await store.rowIDs(slots: missing, datasetID: datasetID)
        storage.withLock { $0.added.merge(found) { old, _ in old } }
        ids.merge(found) { old, _ in old }
        return ids
    }
}
