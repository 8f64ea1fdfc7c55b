/// Whose algorithm splits the rows.
public enum SplitMethod: String, Sendable, CaseIterable {
    /// Sluice's own (SplitMix64; stratified by largest remainders): the default.
    case sluice
    /// Exactly scikit-learn's `train_test_split(…, shuffle=True)` (numpy's MT19937): the rows a
    /// notebook holds out with the same size and `random_state`.
    case sklearn
}
