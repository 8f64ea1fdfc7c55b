/// What `sluice serve`'s row log keeps of a served row, shared by the server that writes it and the
/// controller that retrains on it (`GET /v2/models/{name}/monitor/rows`).
public enum RowLog {
    /// The most UTF-8 bytes of a text value the log keeps: a longer one is cut there, at a
    /// character's start (so up to 3 bytes earlier), so that a few huge rows cannot overrun the
    /// log's byte budget between prunes.
    public static let maxTextBytes = 1_024
}
