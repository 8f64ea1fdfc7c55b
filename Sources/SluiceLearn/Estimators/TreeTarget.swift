/// What a tree predicts: class indices (leaves hold class frequencies) or numbers (leaves hold means).
enum TreeTarget: Sendable {
    case classes([Int], count: Int)
    case values([Double])
}
