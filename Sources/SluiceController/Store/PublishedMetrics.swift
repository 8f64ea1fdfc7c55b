import Foundation

/// One publication of a version with that version's metrics: a point of a model's
/// metric-over-publications history (the Models page's sparklines), read for every model at once
/// with ``Store/publishedMetrics(lastPerModel:models:)``.
public struct PublishedMetrics: Sendable, Equatable {
    public var model: String
    /// The version the publication put in service.
    public var version: String
    public var publishedAt: Date
    /// When it left service; `nil` while it serves.
    public var retiredAt: Date?
    /// The version's metrics on its own test data (empty when the store has no record of the version).
    public var metrics: [String: Double]

    public init(model: String, version: String, publishedAt: Date, retiredAt: Date?, metrics: [String: Double]) {
        self.model = model
        self.version = version
        self.publishedAt = publishedAt
        self.retiredAt = retiredAt
        self.metrics = metrics
    }
}
