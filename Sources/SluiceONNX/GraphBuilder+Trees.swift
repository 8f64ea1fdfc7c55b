import SluiceLearn

extension GraphBuilder {
    /// One tree of an ensemble: the targets its leaves add to, and each leaf's values (one per target).
    struct TreePart {
        var tree: Tree
        var targets: [Int]
        var leafValues: (_ node: Int) -> ArraySlice<Double>
    }

    /// Decision trees, random forests, extra trees: the mean over trees of the leaves' values
    /// (class distributions, or the leaf means): the ensemble sums and a `Div` by the tree count
    /// averages, as ``TreeEnsembleModel`` does.
    mutating func forest(_ m: TreeEnsembleModel, input x: String, task: LearningTask) {
        let parts = m.trees.map { tree in
            TreePart(tree: tree, targets: Array(0..<m.outputs)) { tree.value[($0 * m.outputs)..<(($0 + 1) * m.outputs)] }
        }
        let sum = ensemble(parts, targets: m.outputs, input: x)
        op("Div", [sum, scalar("trees", Double(m.treeCount))], output: task == .classification ? "probabilities" : "variable")
    }

    /// Gradient boosting: the trees' values summed per score (tree `i` adds to score `i % K`),
    /// plus the baseline, then the link: identity (`variable`), the logistic function
    /// (`[1 − p, p]`) or `Softmax`.
    mutating func boosted(_ m: BoostedModel, input x: String, task: LearningTask) {
        let parts = m.trees.enumerated().map { i, tree in TreePart(tree: tree, targets: [i % m.outputs]) { tree.value[$0...$0] } }
        let sum = ensemble(parts, targets: m.outputs, input: x)
        let baseline = constant("baseline", dims: [Int64(m.outputs)], .doubles(m.baseline))
        switch m.link {
        case .identity: op("Add", [sum, baseline], output: "variable")
        case .sigmoid: logistic(op("Add", [sum, baseline]))
        case .softmax: op("Softmax", [op("Add", [sum, baseline])], output: "probabilities", [ONNXAttribute("axis", .int(1))])
        }
    }

    /// The `[N, targets]` sums of `parts`' leaf values, in double: `TreeEnsemble` for `ai.onnx.ml`
    /// opset 5, `TreeEnsembleRegressor` (whose output is float32) and a `Cast` for opset 3.
    mutating func ensemble(_ parts: [TreePart], targets: Int, input x: String) -> String {
        if mlOpset == 3 {
            let sums = op("TreeEnsembleRegressor", [x], domain: "ai.onnx.ml", Self.treeEnsembleRegressor(parts, targets: targets))
            return op("Cast", [sums], [ONNXAttribute("to", .int(Int64(ONNXElementType.double.rawValue)))])
        }
        // TreeEnsemble's leaves carry one value each: a tree with several targets appears once per target.
        let single = parts.flatMap { part in
            part.targets.enumerated().map { j, k in
                TreePart(tree: part.tree, targets: [k]) { n in
                    let values = part.leafValues(n)
                    return values[(values.startIndex + j)...(values.startIndex + j)]
                }
            }
        }
        return op("TreeEnsemble", [x], domain: "ai.onnx.ml", Self.treeEnsemble(single, targets: targets))
    }

    /// The attributes of an `ai.onnx.ml` `TreeEnsemble` (opset 5) summing `parts` (one target
    /// each) into `targets` outputs, with `BRANCH_LEQ` double thresholds (a row goes to the true
    /// branch when `x ≤ threshold`, as ``Tree/leaf(for:)`` goes left). Interior nodes and leaves
    /// are numbered in each tree's node order. A tree that is a single leaf gets one interior node
    /// whose branches both lead to it.
    static func treeEnsemble(_ parts: [TreePart], targets: Int) -> [ONNXAttribute] {
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
                    leafTargets.append(Int64(part.targets[0]))
                    leafWeights.append(part.leafValues(n).first!)
                    continue
                }
                let (l, r) = (tree.left[n], tree.right[n])
                features.append(Int64(tree.feature[n])); splits.append(tree.threshold[n])
                trueIDs.append(id[l]); trueLeafs.append(tree.feature[l] < 0 ? 1 : 0)
                falseIDs.append(id[r]); falseLeafs.append(tree.feature[r] < 0 ? 1 : 0)
            }
        }
        return [
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
        ]
    }

    /// The attributes of an `ai.onnx.ml` `TreeEnsembleRegressor` (opset 3) summing `parts` into
    /// `targets` outputs: every node with its tree's node index as id, `BRANCH_LEQ` or `LEAF`,
    /// thresholds and leaf weights as double tensors (`*_as_tensor`), one weight per leaf and target.
    static func treeEnsembleRegressor(_ parts: [TreePart], targets: Int) -> [ONNXAttribute] {
        var treeIDs: [Int64] = [], nodeIDs: [Int64] = [], modes: [String] = [], features: [Int64] = [], splits: [Double] = []
        var trueIDs: [Int64] = [], falseIDs: [Int64] = []
        var targetTrees: [Int64] = [], targetNodes: [Int64] = [], targetIDs: [Int64] = [], weights: [Double] = []
        for (t, part) in parts.enumerated() {
            let tree = part.tree
            for n in 0..<tree.nodeCount {
                treeIDs.append(Int64(t)); nodeIDs.append(Int64(n))
                if tree.feature[n] < 0 {
                    modes.append("LEAF"); features.append(0); splits.append(0); trueIDs.append(0); falseIDs.append(0)
                    for (j, k) in part.targets.enumerated() {
                        targetTrees.append(Int64(t)); targetNodes.append(Int64(n)); targetIDs.append(Int64(k))
                        let values = part.leafValues(n)
                        weights.append(values[values.startIndex + j])
                    }
                } else {
                    modes.append("BRANCH_LEQ"); features.append(Int64(tree.feature[n])); splits.append(tree.threshold[n])
                    trueIDs.append(Int64(tree.left[n])); falseIDs.append(Int64(tree.right[n]))
                }
            }
        }
        return [
            ONNXAttribute("aggregate_function", .string("SUM")),
            ONNXAttribute("post_transform", .string("NONE")),
            ONNXAttribute("n_targets", .int(Int64(targets))),
            ONNXAttribute("nodes_treeids", .ints(treeIDs)),
            ONNXAttribute("nodes_nodeids", .ints(nodeIDs)),
            ONNXAttribute("nodes_modes", .strings(modes)),
            ONNXAttribute("nodes_featureids", .ints(features)),
            ONNXAttribute("nodes_values_as_tensor", .tensor(ONNXTensor(dims: [Int64(splits.count)], values: .doubles(splits)))),
            ONNXAttribute("nodes_truenodeids", .ints(trueIDs)),
            ONNXAttribute("nodes_falsenodeids", .ints(falseIDs)),
            ONNXAttribute("target_treeids", .ints(targetTrees)),
            ONNXAttribute("target_nodeids", .ints(targetNodes)),
            ONNXAttribute("target_ids", .ints(targetIDs)),
            ONNXAttribute("target_weights_as_tensor", .tensor(ONNXTensor(dims: [Int64(weights.count)], values: .doubles(weights)))),
        ]
    }
}
