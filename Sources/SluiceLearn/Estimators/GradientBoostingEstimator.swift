/// Histogram-based gradient boosting, as scikit-learn's HistGradientBoosting and LightGBM: features
/// binned once (≤ 255 bins), trees grown leaf-wise (best gain first) up to `maxLeafNodes`, each
/// node's split found by sweeping gradient/hessian histograms, the larger child's histogram
/// obtained by subtracting the smaller's from its parent's, and histograms of big nodes built on
/// both cores. Squared error for regression, log loss (one tree per iteration) for two classes,
/// softmax (one tree per class per iteration) for more: the ``BoostingLoss``.
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
    /// Whether the K trees of a softmax iteration grow on both cores (the same trees either way).
    var parallelClasses = true

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
        let loss = BoostingLoss(target)
        let outputs = loss.outputs
        let nTrain = trainRows.count
        let baseline = loss.baseline(rows: trainRows)
        // Class-major: raw score k of training row i at k * nTrain + i (never empty: its address is passed on).
        var raw = [Double](repeating: 0, count: max(1, nTrain * outputs))
        for k in 0..<outputs { for i in 0..<nTrain { raw[k * nTrain + i] = baseline[k] } }
        var validRaw = [Double](repeating: 0, count: validRows.count * outputs)
        for i in 0..<validRows.count { for k in 0..<outputs { validRaw[i * outputs + k] = baseline[k] } }

        let grower = LeafWiseGrower(binned: binned, settings: self)
        var classes = ClassTrees(grower: grower, outputs: outputs, rows: nTrain, parallel: parallelClasses)
        var probabilities = [Double](repeating: 0, count: outputs > 1 ? max(1, nTrain * outputs) : 1)
        var trees: [Tree] = []
        var bestLoss = Double.infinity
        var sinceBest = 0
        var bestCount = 0
        var scratch = [Double](repeating: 0, count: max(outputs, 2))
        var validRow = [Double](repeating: 0, count: x.cols)
        for iteration in 0..<maxIter {
            // Softmax probabilities are shared by the K trees of an iteration; each tree's leaf values
            // are added to its raw scores by the thread that grew it (one addition per row and tree).
            let grown = raw.withUnsafeMutableBufferPointer { r in
                probabilities.withUnsafeMutableBufferPointer { p in
                    loss.iterationProbabilities(r.baseAddress!, rows: nTrain, into: p.baseAddress!)
                    return classes.grow(loss: loss, raw: r.baseAddress!, probabilities: p.baseAddress!, rows: trainRows)
                }
            }
            for k in 0..<outputs {
                let tree = grown[k]
                for (i, r) in validRows.enumerated() {
                    x.copyRow(r, into: &validRow)
                    validRaw[i * outputs + k] += validRow.withUnsafeBufferPointer { tree.value[tree.leaf(for: $0)] }
                }
                trees.append(tree)
            }
            if progress?(Double(iteration + 1) / Double(maxIter)) == false { break }
            if !validRows.isEmpty {
                let validation = loss.validationLoss(validRaw, rows: validRows, scratch: &scratch)
                if validation < bestLoss - tol {
                    bestLoss = validation
                    bestCount = trees.count
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= nIterNoChange { break }
                }
            }
        }
        if !validRows.isEmpty, bestCount > 0 { trees.removeLast(trees.count - bestCount) }
        return BoostedModel(trees: trees, outputs: outputs, baseline: baseline, link: loss.link)
    }
}
