import SluiceLearn

extension GraphBuilder {
    /// One tree of a `TreeEnsemble`: which target its leaves add to, and each leaf's value.
    struct TreePart {
        var tree: Tree
        var target: Int
        var leafValue: (_ node: Int) -> Double
    }

    /// Decision trees, random forests, extra trees: the mean over trees of the leaves' values
    /// (class distributions, or the leaf means). `TreeEnsemble` leaves carry one value each, so a
    /// classifier's tree appears once per class, its copy for class `k` holding the leaves'
    /// frequencies of `k`; the ensemble sums (in double) and a `Div` by the tree count averages,
    /// as ``TreeEnsembleModel`` does.
    mutating func forest(_ m: TreeEnsembleModel, input x: String, task: LearningTask) {
        var parts: [TreePart] = []
        for tree in m.trees {
            for k in 0..<m.outputs {
                parts.append(TreePart(tree: tree, target: k) { tree.value[$0 * m.outputs + k] })
            }
        }
        let sum = treeEnsemble(parts, targets: m.outputs, input: x)
        op("Div", [sum, scalar("trees", Double(m.trees.count))], output: task == .classification ? "probabilities" : "variable")
    }

    /// Gradient boosting: the trees' values summed per score (tree `i` adds to score `i % K`),
    /// plus the baseline, then the link: identity (`variable`), the logistic function
    /// (`[1 − p, p]`) or `Softmax`.
    mutating func boosted(_ m: BoostedModel, input x: String, task: LearningTask) {
        let parts = m.trees.enumerated().map { i, tree in TreePart(tree: tree, target: i % m.outputs) { tree.value[$0] } }
        let sum = treeEnsemble(parts, targets: m.outputs, input: x)
        let baseline = constant("baseline", dims: [Int64(m.outputs)], .doubles(m.baseline))
        switch m.link {
        case .identity: op("Add", [sum, baseline], output: "variable")
        case .sigmoid: logistic(op("Add", [sum, baseline]))
        case .softmax: op("Softmax", [op("Add", [sum, baseline])], output: "probabilities", [ONNXAttribute("axis", .int(1))])
        }
    }

    /// An `ai.onnx.ml` `TreeEnsemble` (opset 5) summing `parts` into `targets` outputs, with
    /// `BRANCH_LEQ` double thresholds (a row goes to the true branch when `x ≤ threshold`, as
    /// ``Tree/leaf(for:)`` goes left). Interior nodes and leaves are numbered in each tree's node
    /// order. A tree that is a single leaf gets one interior node whose branches both lead to it.
    /// - Returns: the name of the `[N, targets]` sums.
    mutating func treeEnsemble(_ parts: [TreePart], targets: Int, input x: String) -> String {
        var roots: [Int64] = [], features: [Int64] = [], splits: [Double] = []
        var trueIDs: [Int64] = [], trueLeafs: [Int64] = [], falseIDs: [Int64] = [], falseLeafs: [Int64] = []
        var leafTargets: [Int64] = [], leafWeights: [Double] = []
        for part in parts {
            let tree = part.tree
            // Each node's id among the interior nodes or among the leaves.
            var id = [Int64](repeating: 0, count: tree.nodeCount)
            var interior = Int64(features.count), leaves = Int64(leafWeights.count)
            for n in 0..<tree.nodeCount {
                if tree.feature[n] >= 0 { id[n] = interior; interior += 1 } else { id[n] = leaves; leaves += 1 }
            }
            roots.append(Int64(features.count))
            if tree.feature[0] < 0 {
                features.append(0); splits.append(0)
                trueIDs.append(id[0]); trueLeafs.append(1); falseIDs.append(id[0]); falseLeafs.append(1)
            }
            for n in 0..<tree.nodeCount {
                if tree.feature[n] < 0 {
                    leafTargets.append(Int64(part.target))
                    leafWeights.append(part.leafValue(n))
                    continue
                }
                let (l, r) = (tree.left[n], tree.right[n])
                features.append(Int64(tree.feature[n])); splits.append(tree.threshold[n])
                trueIDs.append(id[l]); trueLeafs.append(tree.feature[l] < 0 ? 1 : 0)
                falseIDs.append(id[r]); falseLeafs.append(tree.feature[r] < 0 ? 1 : 0)
            }
        }
        return op("TreeEnsemble", [x], domain: "ai.onnx.ml", [
            ONNXAttribute("aggregate_function", .int(1)),  // SUM
            ONNXAttribute("post_transform", .int(0)),  // NONE
            ONNXAttribute("n_targets", .int(Int64(targets))),
            ONNXAttribute("tree_roots", .ints(roots)),
            ONNXAttribute("nodes_featureids", .ints(features)),
            ONNXAttribute("nodes_splits", .tensor(ONNXTensor(dims: [Int64(splits.count)], values: .doubles(splits)))),
            ONNXAttribute("nodes_modes", .tensor(ONNXTensor(dims: [Int64(splits.count)], values: .uint8s(Array(repeating: 0, count: splits.count))))),
            ONNXAttribute("nodes_truenodeids", .ints(trueIDs)),
            ONNXAttribute("nodes_trueleafs", .ints(trueLeafs)),
            ONNXAttribute("nodes_falsenodeids", .ints(falseIDs)),
            ONNXAttribute("nodes_falseleafs", .ints(falseLeafs)),
            ONNXAttribute("leaf_targetids", .ints(leafTargets)),
            ONNXAttribute("leaf_weights", .tensor(ONNXTensor(dims: [Int64(leafWeights.count)], values: .doubles(leafWeights)))),
        ])
    }
}
