import SluiceLearn

extension FeedbackSnapshot {
    /// The snapshot's rows as frames with the columns of `template` (the dataset's), typed as it
    /// types them: its train rows and its holdout rows. A dataset column the snapshot lacks is
    /// missing in every row.
    /// - Throws: ``FeedbackSnapshotError`` naming the row and column of a cell the dataset's column
    ///   cannot hold (text in a numeric column), or a snapshot column the dataset lacks.
    public func frames(like template: DataFrame) throws(FeedbackSnapshotError) -> (train: DataFrame, holdout: DataFrame) {
        let names = Set(template.columnNames)
        if let extra = columns.first(where: { !names.contains($0) }) {
            throw FeedbackSnapshotError("the feedback snapshot has a column \"\(extra)\" the dataset has not; its rows cannot be added to the dataset's")
        }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }) { a, _ in a }
        func frame(_ part: Part) throws(FeedbackSnapshotError) -> DataFrame {
            let selected = rows.filter { $0.part == part }
            var out: [DataFrame.Column] = []
            for column in template.columns {
                let i = index[column.name]
                if column.isNumeric {
                    var values: [Double] = []
                    values.reserveCapacity(selected.count)
                    for r in selected {
                        guard let i, !CSVReader.isMissing(r.cells[i]) else { values.append(.nan); continue }
                        guard let x = CSVReader.number(r.cells[i]) else {
                            throw FeedbackSnapshotError("feedback row (request id \"\(r.id)\", row \(r.row)): \(column.name) is \"\(r.cells[i])\", but the dataset's column \(column.name) is numeric")
                        }
                        values.append(x)
                    }
                    out.append(DataFrame.Column(name: column.name, storage: .numeric(values)))
                } else {
                    out.append(DataFrame.Column(name: column.name, storage: .string(selected.map { r in
                        guard let i, !CSVReader.isMissing(r.cells[i]) else { return nil }
                        return r.cells[i]
                    })))
                }
            }
            var frame = DataFrame(columns: out)
            frame.rowCount = selected.count
            return frame
        }
        return (try frame(.train), try frame(.holdout))
    }
}
