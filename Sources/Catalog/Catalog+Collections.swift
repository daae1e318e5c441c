import Foundation

extension Catalog {
    // MARK: Slices

    /// Saves a filter under a name.
    public func createSlice(name: String, filter: RowFilter, in dataset: String) async throws -> Slice {
        try Validation.name(name, what: "slice name")
        let dataset = try await store.dataset(dataset)
        _ = try await store.matchingSlots(datasetID: dataset.id, filter: filter)
        return try await store.createSlice(Slice(id: Identifiers.make(), datasetID: dataset.id, name: name, filter: filter, createdAt: Date()))
    }

    public func slices(in dataset: String) async throws -> [Slice] {
        try await store.slices(datasetID: try await store.dataset(dataset).id)
    }

    public func slice(_ id: String, in dataset: String) async throws -> Slice {
        try await store.slice(id: id, datasetID: try await store.dataset(dataset).id)
    }

    public func deleteSlice(_ id: String, in dataset: String) async throws {
        try await store.deleteSlice(id: id, datasetID: try await store.dataset(dataset).id)
    }

    // MARK: Selections

    /// Saves a list of rows under a name.
    /// - Throws: `notFound` naming the first unknown row ids.
    public func createSelection(name: String, rowIDs: [String], in dataset: String) async throws -> Selection {
        try Validation.name(name, what: "selection name")
        let dataset = try await store.dataset(dataset)
        return try await store.createSelection(Selection(id: Identifiers.make(), datasetID: dataset.id, name: name,
                                                         rowIDs: rowIDs, createdAt: Date()))
    }

    public func selections(in dataset: String) async throws -> [Selection] {
        try await store.selections(datasetID: try await store.dataset(dataset).id)
    }

    public func selection(_ id: String, in dataset: String) async throws -> Selection {
        try await store.selection(id: id, datasetID: try await store.dataset(dataset).id)
    }

    /// Adds rows to the end of a selection and removes others.
    public func updateSelection(_ id: String, adding: [String] = [], removing: [String] = [], in dataset: String) async throws -> Selection {
        try await store.updateSelection(id: id, datasetID: try await store.dataset(dataset).id, adding: adding, removing: removing)
    }

    public func deleteSelection(_ id: String, in dataset: String) async throws {
        try await store.deleteSelection(id: id, datasetID: try await store.dataset(dataset).id)
    }
}
