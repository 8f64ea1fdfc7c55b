/// A rendered page: its status (200, or 404 for a model the store does not know) and its HTML.
public struct UIPage: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The whole HTML document.
    public var html: String

    /// Creates a page.
    public init(status: Int = 200, html: String) {
        self.status = status
        self.html = html
    }
}
