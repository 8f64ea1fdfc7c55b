extension ModelRun {
    /// What a step that succeeded produced, as the executor reports it.
    public enum StepResult: Sendable, Equatable {
        /// The version was trained now, in `seconds`; `headline` is its main metric ("accuracy 0.9556").
        case trained(seconds: Double, headline: String)
        /// The version was taken from the version cache (`--cache`), trained by an earlier run.
        case reused(headline: String)
        /// The version was already in the store with its artifact (trained meanwhile): nothing done.
        case alreadyTrained
        /// The gate was evaluated.
        case evaluated(Verdict)
        /// The version was published.
        case published
        /// The version was removed from the target; `leavingFilesTo` names the model that
        /// deploys there now, whose files were left in place.
        case retired(leavingFilesTo: String?)

        /// The kind of action that produces this result.
        var kind: ActionKind {
            switch self {
            case .trained, .reused, .alreadyTrained: .train
            case .evaluated: .evaluate
            case .published: .publish
            case .retired: .retire
            }
        }
    }

    /// One action carried out, and whether it succeeded (for metrics).
    public struct Attempt: Sendable, Equatable {
        /// The action attempted.
        public var action: Action
        /// Whether it did its work (a failure ends the run).
        public var succeeded: Bool

        public init(action: Action, succeeded: Bool) {
            self.action = action
            self.succeeded = succeeded
        }
    }

    /// How many actions of each kind did their work.
    public struct Counts: Sendable, Equatable {
        /// Versions trained now (not those taken from the cache).
        public var trained = 0
        /// Gates evaluated (passed or failed).
        public var evaluated = 0
        /// Publications to a target (repairs of a drifted target included).
        public var published = 0
        /// Retirements from a target.
        public var retired = 0

        public init(trained: Int = 0, evaluated: Int = 0, published: Int = 0, retired: Int = 0) {
            self.trained = trained
            self.evaluated = evaluated
            self.published = published
            self.retired = retired
        }
    }

    /// Where a model's run ended.
    public struct Outcome: Sendable, Equatable {
        /// The model's condition after the run.
        public var condition: Condition
        /// Why the model is in its condition: a stable token and a sentence (`nil` for a model
        /// whose actions say it, as a retirement does).
        public var reason: Reason?
        /// One line per action carried out ("trained 1a2b3c4d5e6f in 0.12 s (accuracy 0.9556)").
        public var done: [String] = []
        /// Every action attempted, in order, and whether it succeeded.
        public var attempts: [Attempt] = []
        /// The gate verdicts reached (passed or not).
        public var verdicts: [Bool] = []
        /// The actions that did their work, by kind.
        public var counts = Counts()

        public init(condition: Condition, reason: Reason?, done: [String] = [], attempts: [Attempt] = [],
                    verdicts: [Bool] = [], counts: Counts = Counts()) {
            self.condition = condition
            self.reason = reason
            self.done = done
            self.attempts = attempts
            self.verdicts = verdicts
            self.counts = counts
        }

        /// The sentence of ``reason``, or empty.
        public var message: String { reason?.message ?? "" }
    }
}
