/// One event and its place in the store's log: `sequence` grows with every event recorded, so a
/// page of the log ends at one and the next (older) page starts below it.
public struct LoggedEvent: Sendable, Equatable {
    /// The event's position in the log (the store's event id), the cursor of the page after it.
    public var sequence: Int64
    /// The event.
    public var event: EventRecord

    /// Creates a logged event.
    public init(sequence: Int64, event: EventRecord) {
        self.sequence = sequence
        self.event = event
    }
}

/// Which events a page of the log (``Store/eventLog(_:)``) holds.
public struct EventLogQuery: Sendable, Equatable {
    /// Only this model's events; `nil` for every model's.
    public var model: String?
    /// Only events of these kinds; empty for every kind.
    public var kinds: Set<EventKind>
    /// Only events recorded before the one with this sequence (the last of the previous page); `nil` from the newest.
    public var before: Int64?
    /// At most this many events.
    public var limit: Int

    /// Creates a query.
    public init(model: String? = nil, kinds: Set<EventKind> = [], before: Int64? = nil, limit: Int) {
        self.model = model
        self.kinds = kinds
        self.before = before
        self.limit = limit
    }

    /// Whether `e`, at `sequence`, belongs to the page (for stores that filter in memory).
    func matches(_ e: EventRecord, sequence: Int64) -> Bool {
        (model == nil || e.model == model) && (kinds.isEmpty || kinds.contains(e.kind)) && (before.map { sequence < $0 } ?? true)
    }

    /// The kinds as SQL text values, sorted (so that a statement is the same for the same query).
    var kindWords: [String] { kinds.map(\.rawValue).sorted() }
}
