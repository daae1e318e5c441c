import Synchronization

/// Spaces as the search path resolved them (dataset and space reference → space), kept while
/// the store's change token stays the same.
///
/// A search names its space by dataset and space id or name; resolving that is a database read,
/// longer than the search itself. The store's change token (`Store.changeToken()`) moves with
/// every commit, by this process or another, so a space read at token t is still the stored
/// space while the token is t: the generation it carries keeps the index check exact. A store
/// without a token is read every time.
final class ResolvedSpaces: Sendable {
    private struct Key: Hashable {
        var dataset: String
        var space: String
    }

    private struct State {
        var token: Int64?
        var spaces: [Key: EmbeddingSpace] = [:]
    }

    /// Spaces kept per token; more are read but not kept (a guard against unbounded references).
    static let capacity = 1024
    private let state = Mutex(State())

    /// The space `reference` of `dataset` (ids or names), from memory when nothing changed since
    /// it was read.
    /// - Throws: `notFound` (dataset or space), `storage`.
    func space(_ reference: String, in dataset: String, store: any Store) async throws -> EmbeddingSpace {
        let key = Key(dataset: dataset, space: reference)
        guard let token = store.changeToken() else { return try await store.space(reference, datasetID: dataset) }
        if let space = state.withLock({ $0.token == token ? $0.spaces[key] : nil }) { return space }
        // Read after the token: what is read is at least as new as the token says.
        let space = try await store.space(reference, datasetID: dataset)
        state.withLock { state in
            if state.token != token { state = State(token: token) }
            if state.spaces.count < Self.capacity { state.spaces[key] = space }
        }
        return space
    }
}
