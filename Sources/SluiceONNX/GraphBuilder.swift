/// Collects the nodes and constants of a graph under construction, naming every intermediate
/// value `sluice.HINT.K` with a counter, so that the same model always gives the same names.
struct GraphBuilder {
    /// The `ai.onnx.ml` operator set the graph imports (5, or 3 for older runtimes).
    var mlOpset = 5
    private(set) var nodes: [ONNXNode] = []
    private(set) var initializers: [ONNXTensor] = []
    private var counter = 0

    /// A new value name.
    mutating func fresh(_ hint: String) -> String {
        counter += 1
        return "sluice.\(hint).\(counter)"
    }

    /// A constant (an initializer) and its name.
    mutating func constant(_ hint: String, dims: [Int64], _ values: ONNXTensor.Values) -> String {
        let name = fresh(hint)
        initializers.append(ONNXTensor(name: name, dims: dims, values: values))
        return name
    }

    /// A scalar double constant.
    mutating func scalar(_ hint: String, _ value: Double) -> String {
        constant(hint, dims: [], .doubles([value]))
    }

    /// Applies `opType` to `inputs`, writing to `output` (a fresh name when `nil`), and returns the output's name.
    @discardableResult
    mutating func op(_ opType: String, _ inputs: [String], output: String? = nil, domain: String = "",
                     _ attributes: [ONNXAttribute] = []) -> String {
        let out = output ?? fresh(opType.lowercased())
        nodes.append(ONNXNode(opType, inputs: inputs, outputs: [out], domain: domain,
                              attributes: attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }))
        return out
    }

    /// Every value name the graph defines (node outputs and initializers).
    var definedNames: [String] { nodes.flatMap(\.outputs) + initializers.map(\.name) }
}
