import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Histogram-based gradient boosting, as scikit-learn's HistGradientBoosting and LightGBM: features
/// binned once (≤ 255 bins), trees grown leaf-wise (best gain first) up to `maxLeafNodes`, each
/// node's split found by sweeping gradient/hessian histograms, the larger child's histogram
/// obtained by subtracting the smaller's from its parent's, and histograms of big nodes built on
/// both cores. Squared error for regression, log loss (one tree per iteration) for two classes,
/// softmax (one tree per class per iteration) for more.
///
/// The fields are the manifest's parameters (their defaults are ``AlgorithmCatalog``'s).
public struct GradientBoostingEstimator: Estimator {
    public var learningRate: Double
    public var maxIter: Int
    public var maxLeafNodes: Int
    public var maxDepth: Int?
    public var minSamplesLeaf: Int
    public var l2Regularization: Double
    public var maxBins: Int
    /// Hold out `validationFraction` of the rows and stop after `nIterNoChange` iterations
    /// without an improvement of the validation loss by more than `tol`.
    public var earlyStopping: Bool
    public var validationFraction: Double
    public var nIterNoChange: Int
    public var tol: Double
    public var seed: UInt64

    public init(learningRate: Double, maxIter: Int, maxLeafNodes: Int, maxDepth: Int?, minSamplesLeaf: Int, l2Regularization: Double,
                maxBins: Int, earlyStopping: Bool, validationFraction: Double, nIterNoChange: Int, tol: Double, seed: UInt64) {
        self.learningRate = learningRate
        self.maxIter = maxIter
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2Regularization = l2Regularization
        self.maxBins = maxBins
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.nIterNoChange = nIterNoChange
        self.tol = tol
        self.seed = seed
    }

    /// Fits a classifier; `y` holds class indices in `0..<classes`.
    public func fit(_ x: Matrix, classes y: [Int], count classes: Int, progress: TrainingProgress? = nil) -> BoostedModel {
        fit(x, target: .classes(y, count: classes), progress: progress)
    }

    /// Fits a regressor.
    public func fit(_ x: Matrix, values y: [Double], progress: TrainingProgress? = nil) -> BoostedModel {
        fit(x, target: .values(y), progress: progress)
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .boosted(rows.task == .classification ? fit(rows.x, classes: rows.y, count: rows.target.classes.count, progress: progress)
                                              : fit(rows.x, values: rows.values, progress: progress))
    }

    func fit(_ x: Matrix, target: TreeTarget, progress: TrainingProgress?) -> BoostedModel {
        let n = x.rows
        // Optional validation split for early stopping (stratified for classification).
        var trainRows = Array(0..<n)
        var validRows: [Int] = []
        if earlyStopping, n >= 20 {
            let labels: [Int]? = if case .classes(let y, _) = target { y } else { nil }
            if let split = try? TrainTestSplit.make(count: n, testFraction: validationFraction, seed: seed, labels: labels) {
                trainRows = split.train
                validRows = split.test
            }
        }
        let binned = BinnedMatrix(trainRows.count == n ? x : x.selecting(rows: trainRows), maxBins: maxBins)
        let outputs: Int
        let link: BoostedModel.Link
        var baseline: [Double]
        let nTrain = trainRows.count
        switch target {
        case .values(let y):
            outputs = 1
            link = .identity
            baseline = [trainRows.reduce(0) { $0 + y[$1] } / Double(nTrain)]
        case .classes(let y, let k):
            var counts = [Double](repeating: 0, count: k)
            for r in trainRows { counts[y[r]] += 1 }
            let priors = counts.map { max($0 / Double(nTrain), 1e-12) }
            if k == 2 {
                outputs = 1
                link = .sigmoid
                baseline = [log(priors[1] / priors[0])]
            } else {
                outputs = k
                link = .softmax
                baseline = priors.map { log($0) }
            }
        }
        var raw = [Double](repeating: 0, count: nTrain * outputs)
        for i in 0..<nTrain { for k in 0..<outputs { raw[i * outputs + k] = baseline[k] } }
        var validRaw = [Double](repeating: 0, count: validRows.count * outputs)
        for i in 0..<validRows.count { for k in 0..<outputs { validRaw[i * outputs + k] = baseline[k] } }

        var grower = LeafWiseGrower(binned: binned, settings: self)
        var trees: [Tree] = []
        var gradient = [Double](repeating: 0, count: nTrain)
        var hessian = [Double](repeating: 0, count: nTrain)
        var bestLoss = Double.infinity
        var sinceBest = 0
        var bestCount = 0
        var probabilities = [Double](repeating: 0, count: max(outputs, 2))
        for iteration in 0..<maxIter {
            // Softmax probabilities are shared by the K trees of an iteration.
            var softmax: [Double] = []
            if link == .softmax {
                softmax = [Double](repeating: 0, count: nTrain * outputs)
                for i in 0..<nTrain {
                    var top = -Double.infinity
                    for k in 0..<outputs { top = max(top, raw[i * outputs + k]) }
                    var sum = 0.0
                    for k in 0..<outputs { let e = exp(raw[i * outputs + k] - top); softmax[i * outputs + k] = e; sum += e }
                    for k in 0..<outputs { softmax[i * outputs + k] /= sum }
                }
            }
            for k in 0..<outputs {
                switch target {
                case .values(let y):
                    for i in 0..<nTrain { gradient[i] = raw[i] - y[trainRows[i]]; hessian[i] = 1 }
                case .classes(let y, _):
                    if link == .sigmoid {
                        // Row by row, independent: on all cores for big sets (one exp a row).
                        raw.withUnsafeBufferPointer { rawBuffer in
                            y.withUnsafeBufferPointer { yBuffer in
                                trainRows.withUnsafeBufferPointer { rowsBuffer in
                                    gradient.withUnsafeMutableBufferPointer { gBuffer in
                                        hessian.withUnsafeMutableBufferPointer { hBuffer in
                                            let b = SigmoidBuffers(raw: rawBuffer.baseAddress!, y: yBuffer.baseAddress!, rows: rowsBuffer.baseAddress!,
                                                                   g: gBuffer.baseAddress!, h: hBuffer.baseAddress!)
                                            let parts = nTrain >= 65_536 ? 2 : 1
                                            DispatchQueue.concurrentPerform(iterations: parts) { part in
                                                for i in (part * nTrain / parts)..<((part + 1) * nTrain / parts) {
                                                    let p = 1 / (1 + exp(-b.raw[i]))
                                                    b.g[i] = p - (b.y[b.rows[i]] == 1 ? 1 : 0)
                                                    b.h[i] = max(p * (1 - p), 1e-16)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    } else {
                        for i in 0..<nTrain {
                            let p = softmax[i * outputs + k]
                            gradient[i] = p - (y[trainRows[i]] == k ? 1 : 0)
                            hessian[i] = max(p * (1 - p), 1e-16)
                        }
                    }
                }
                let (tree, leafOfRow) = grower.grow(gradient: gradient, hessian: hessian)
                for i in 0..<nTrain { raw[i * outputs + k] += tree.value[leafOfRow[i]] }
                if !validRows.isEmpty {
                    var row = [Double](repeating: 0, count: x.cols)
                    for (i, r) in validRows.enumerated() {
                        x.copyRow(r, into: &row)
                        validRaw[i * outputs + k] += row.withUnsafeBufferPointer { tree.value[tree.leaf(for: $0)] }
                    }
                }
                trees.append(tree)
            }
            if progress?(Double(iteration + 1) / Double(maxIter)) == false { break }
            if !validRows.isEmpty {
                let loss = validationLoss(validRaw, validRows, target, link, outputs, &probabilities)
                if loss < bestLoss - tol {
                    bestLoss = loss
                    bestCount = trees.count
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= nIterNoChange { break }
                }
            }
        }
        if !validRows.isEmpty, bestCount > 0 { trees.removeLast(trees.count - bestCount) }
        return BoostedModel(trees: trees, outputs: outputs, baseline: baseline, link: link)
    }

    private func validationLoss(_ raw: [Double], _ rows: [Int], _ target: TreeTarget, _ link: BoostedModel.Link, _ outputs: Int,
                                _ p: inout [Double]) -> Double {
        var loss = 0.0
        for (i, r) in rows.enumerated() {
            switch target {
            case .values(let y):
                let d = raw[i] - y[r]
                loss += d * d
            case .classes(let y, _):
                for k in 0..<outputs { p[k] = raw[i * outputs + k] }
                p.withUnsafeMutableBufferPointer { BoostedModel.link(link, outputs, $0) }
                let truth = link == .sigmoid ? (y[r] == 1 ? p[1] : p[0]) : p[y[r]]
                loss -= log(max(truth, 1e-15))
            }
        }
        return loss / Double(rows.count)
    }
}

extension GradientBoostingEstimator {
    /// The arrays of the sigmoid gradient pass, shared by its threads (each writes its own rows).
    fileprivate struct SigmoidBuffers: @unchecked Sendable {
        let raw: UnsafePointer<Double>
        let y: UnsafePointer<Int>
        let rows: UnsafePointer<Int>
        let g: UnsafeMutablePointer<Double>
        let h: UnsafeMutablePointer<Double>
    }
}
