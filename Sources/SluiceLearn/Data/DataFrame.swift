/// A table read from a CSV file: named columns, each numeric or string.
///
/// Numeric columns hold `Double.nan` for missing cells; string columns hold `nil`.
public struct DataFrame: Sendable, Equatable {
    /// One column of a ``DataFrame``.
    public struct Column: Sendable, Equatable {
        public enum Storage: Sendable, Equatable {
            case numeric([Double])
            case string([String?])
        }
        public var name: String
        public var storage: Storage

        public init(name: String, storage: Storage) {
            self.name = name
            self.storage = storage
        }

        public var count: Int {
            switch storage {
            case .numeric(let v): v.count
            case .string(let v): v.count
            }
        }

        public var isNumeric: Bool {
            if case .numeric = storage { return true }
            return false
        }

        /// The column restricted to `rows`, in that order.
        public func selecting(_ rows: [Int]) -> Column {
            switch storage {
            case .numeric(let v): Column(name: name, storage: .numeric(rows.map { v[$0] }))
            case .string(let v): Column(name: name, storage: .string(rows.map { v[$0] }))
            }
        }
    }

    public var columns: [Column]
    public var rowCount: Int

    public init(columns: [Column]) {
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
    }

    /// The column called `name`, if there is one.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The frame restricted to `rows`, in that order.
    public func selecting(rows: [Int]) -> DataFrame {
        DataFrame(columns: columns.map { $0.selecting(rows) })
    }
}
