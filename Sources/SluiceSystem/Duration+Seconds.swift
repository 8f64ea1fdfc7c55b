extension Duration {
    /// The duration in seconds, as a `Double` (for the APIs that take seconds: `DispatchTime`,
    /// `Date`, log metadata).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
