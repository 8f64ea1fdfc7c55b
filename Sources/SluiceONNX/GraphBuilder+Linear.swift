import SluiceLearn

extension GraphBuilder {
    /// A linear model: `X · W + b` (`MatMul` + `Add`, double), then the link: the value itself
    /// (`variable`), the logistic function as Sluice computes it, `p = 1 / (1 + exp(−z))` with
    /// probabilities `[1 − p, p]`, or `Softmax`.
    mutating func linear(_ m: LinearModel, input x: String, task: LearningTask) {
        let outputs = m.link == .softmax ? m.intercepts.count : 1
        var w = [Double](repeating: 0, count: m.features * outputs)
        for k in 0..<outputs {
            for c in 0..<m.features { w[c * outputs + k] = m.weights[k * m.features + c] }
        }
        let weights = constant("weights", dims: [Int64(m.features), Int64(outputs)], .doubles(w))
        let product = op("MatMul", [x, weights])
        let scores = constant("intercepts", dims: [Int64(outputs)], .doubles(Array(m.intercepts.prefix(outputs))))
        switch m.link {
        case .identity: op("Add", [product, scores], output: "variable")
        case .sigmoid: logistic(op("Add", [product, scores]))
        case .softmax: op("Softmax", [op("Add", [product, scores])], output: "probabilities", [ONNXAttribute("axis", .int(1))])
        }
    }

    /// `probabilities = [1 − p, p]` with `p = 1 / (1 + exp(−z))` for scores `z` `[N, 1]`, in
    /// Sluice's order of operations.
    mutating func logistic(_ z: String) {
        let one = scalar("one", 1)
        let p = op("Div", [one, op("Add", [op("Exp", [op("Neg", [z])]), one])])
        op("Concat", [op("Sub", [one, p]), p], output: "probabilities", [ONNXAttribute("axis", .int(1))])
    }
}
