/// A key of `DomainServices.remembered` that names its kind of request (e.g. the JSON-RPC
/// method): keys of one shelf share its room, and another kind's answers never push them out.
public protocol ShelvedKey {
    /// The kind of request the key's answers belong to.
    var shelf: String { get }
}

/// The answers kept for one kind of request, the oldest dropped first past a capacity.
struct RememberedShelf {
    private(set) var answers: [AnyHashable: any Sendable] = [:]
    /// Keys in the order first kept.
    private var order: [AnyHashable] = []

    /// `key`'s shelf: its `ShelvedKey.shelf`, else its type.
    static func name<Key>(of key: Key) -> String {
        (key as? any ShelvedKey)?.shelf ?? String(reflecting: Key.self)
    }

    /// Keeps `value` under `key`; past `capacity` answers, the oldest goes.
    mutating func keep(_ key: AnyHashable, _ value: any Sendable, capacity: Int) {
        if answers.updateValue(value, forKey: key) == nil { order.append(key) }
        while order.count > capacity { answers[order.removeFirst()] = nil }
    }
}
