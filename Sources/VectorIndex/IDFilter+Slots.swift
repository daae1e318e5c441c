extension IDFilter {
    /// Calls `body` with the slot of every id in the filter that an index holds (`slotIDs` maps
    /// slots to ids, `slotOfID` back): through the filter's ids when it is much smaller than the
    /// index, through the slots otherwise.
    /// - Complexity: O(min(filter ids + filter words, slots)).
    func forEachSlot(slotIDs: [UInt32], slotOfID: [UInt32: Int], _ body: (Int) -> Void) {
        if count < slotIDs.count / 8 {
            for id in ids { if let slot = slotOfID[id] { body(slot) } }
        } else {
            for slot in slotIDs.indices where contains(slotIDs[slot]) { body(slot) }
        }
    }
}
