import Testing
import SluiceCore
@testable import SluiceLearn

/// Batch prediction (``ModelArtifact/predictions(_:)-(FeatureEncoder.Batch)``: the frame encoded
/// block by block into the column layout, family kernels, both cores) gives exactly the Doubles
/// of the straightforward path: each row encoded from its raw values, then predicted alone.
@Suite struct BatchPredictionTests {
    /// `rows` rows like `frame`'s: numbers drawn from each numeric column and nudged, text drawn
    /// from each text column; some cells missing, some categories never seen in training.
    static func frame(like frame: DataFrame, rows: Int) -> DataFrame {
        var rng = SplitMix64(seed: 11)
        let columns = frame.columns.map { column -> DataFrame.Column in
            switch column.storage {
            case .numeric(let v):
                let drawn = (0..<rows).map { _ -> Double in
                    if rng.below(50) == 0 { return .nan }
                    return v[rng.below(v.count)] + Double(rng.below(1000)) / 1000 - 0.5
                }
                return DataFrame.Column(name: column.name, storage: .numeric(drawn))
            case .string(let v):
                let drawn = (0..<rows).map { _ -> String? in
                    switch rng.below(40) {
                    case 0: return nil
                    case 1: return "never seen"
                    default: return v[rng.below(v.count)]
                    }
                }
                return DataFrame.Column(name: column.name, storage: .string(drawn))
            }
        }
        return DataFrame(columns: columns)
    }

    /// Row `r` of `frame` as the JSON values a client would send.
    static func jsonRow(_ frame: DataFrame, _ r: Int) -> [String: JSON] {
        var row: [String: JSON] = [:]
        for column in frame.columns {
            switch column.storage {
            case .numeric(let v): row[column.name] = v[r].isNaN ? .null : .number(v[r])
            case .string(let v): row[column.name] = v[r].map(JSON.string) ?? .null
            }
        }
        return row
    }

    @Test(arguments: EstimatorConformanceTests.cases)
    func batchEqualsRowByRow(_ c: EstimatorConformanceTests.Case) throws {
        let (training, spec) = try EstimatorConformanceTests.data(c)
        let artifact = try Fixtures.train(spec, training).artifact
        // Enough rows for several blocks and both cores.
        let frame = Self.frame(like: training, rows: 5_003)
        let batch = try artifact.predictions(frame)
        let x = try artifact.encoder.transform(frame)
        #expect(try artifact.predictions(x) == batch)
        #expect(batch.rows == frame.rowCount && batch.outputs == artifact.outputs)
        var encoded = [Double](repeating: 0, count: artifact.encoder.width)
        var mismatches = 0
        for r in 0..<frame.rowCount {
            try artifact.encoder.encode(row: Self.jsonRow(frame, r), into: &encoded)
            for col in 0..<x.cols where x[r, col] != encoded[col] { mismatches += 1 }
            let one = artifact.predict(encodedRow: encoded)
            if Array(batch[r]) != one { mismatches += 1 }
            if artifact.task == .classification, batch.labels[r] != ModelArtifact.argmax(one) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(try artifact.predict(x) == batch.nested)
    }

    @Test func binaryBoostingBatchEqualsRowByRow() throws {
        // The sigmoid link (two outputs from one score): the tree-by-tree block kernel, row by row.
        let training = try Fixtures.csv("examples/data/breast_cancer.csv")
        let spec = Fixtures.spec("gradient_boosting", ["seed": 3, "maxIter": 30], target: "target")
        let artifact = try Fixtures.train(spec, training).artifact
        guard case .boosted(let m) = artifact.fitted else { Issue.record("not boosted"); return }
        #expect(m.link == .sigmoid && artifact.outputs == 2)
        let frame = Self.frame(like: training, rows: 3_001)
        let batch = try artifact.predictions(frame)
        let x = try artifact.encoder.transform(frame)
        var row = [Double](repeating: 0, count: x.cols)
        var mismatches = 0
        for r in 0..<x.rows {
            x.copyRow(r, into: &row)
            if Array(batch[r]) != artifact.predict(encodedRow: row) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func anEmptyFrameHasNoPredictions() throws {
        let (training, spec) = try EstimatorConformanceTests.data(.init(algorithm: "logistic_regression", task: .classification))
        let artifact = try Fixtures.train(spec, training).artifact
        let empty = training.selecting(rows: [])
        let p = try artifact.predictions(empty)
        #expect(p.rows == 0 && p.values.isEmpty && p.labels.isEmpty)
    }

    @Test func theFirstRowThatOverflowsIsNamed() throws {
        let (training, spec) = try EstimatorConformanceTests.data(.init(algorithm: "linear_regression", task: .regression))
        let artifact = try Fixtures.train(spec, training).artifact
        var frame = Self.frame(like: training, rows: 3_000)
        guard case .numeric(var a) = frame.columns[0].storage else { Issue.record("column a is numeric"); return }
        a[2_345] = 1e308
        a[2_900] = -1e308
        frame.columns[0].storage = .numeric(a)
        #expect(throws: LearnError.nonFinitePrediction(row: 2_346)) { try artifact.predictions(frame) }
    }

    /// A matrix of the wrong width is refused, not read past its end (the kernels read the model's
    /// encoded width from every row).
    @Test func aMatrixOfTheWrongWidthIsRefused() throws {
        let (training, spec) = try EstimatorConformanceTests.data(.init(algorithm: "linear_regression", task: .regression))
        let artifact = try Fixtures.train(spec, training).artifact
        let width = artifact.encoder.width
        for cols in [width - 1, width + 1] {
            let x = Matrix(rows: 4, cols: cols, values: [Double](repeating: 1, count: 4 * cols))
            #expect(throws: LearnError.self) { try artifact.predictions(x) }
        }
        #expect(try artifact.predictions(Matrix(rows: 4, cols: width, values: [Double](repeating: 1, count: 4 * width))).rows == 4)
    }
}
