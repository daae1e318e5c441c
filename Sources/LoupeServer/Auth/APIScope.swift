/// What an API key allows, each scope including the ones below it: `read` (list, get, search,
/// infer, export), `write` (create, import, start and cancel jobs, delete rows), `admin`
/// (delete datasets and spaces).
public enum APIScope: String, Sendable, Codable, CaseIterable, Comparable {
    case read
    case write
    case admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    public static func < (lhs: APIScope, rhs: APIScope) -> Bool { lhs.rank < rhs.rank }

    /// Whether a key with this scope may use a route that needs `required`.
    public func allows(_ required: APIScope) -> Bool { self >= required }
}
