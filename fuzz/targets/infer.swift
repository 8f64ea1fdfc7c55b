// libFuzzer target: SluiceServe's inference request decoder (Open Inference Protocol JSON, and the
// binary tensor extension), then the decoded request run through served models as `sluice serve`
// does: all-numeric and mixed (categorical) inputs, string and integer labels, every model family.
//
// Input framing: without a NUL byte the input is a JSON body. With one, the bytes before the
// first NUL are the JSON header and the bytes after it the binary data (the NUL is dropped), and
// the header's length is sent as `Inference-Header-Content-Length`.
//
// Beyond "never traps": a refused request is a 4xx with a message; a decoded tensor holds exactly
// as many values as its shape says; a response's JSON part parses.
import SluiceCore
import SluiceLearn
import SluiceServe

/// Trains one small model on a generated CSV text.
private func train(_ algorithm: String, _ params: [String: JSON], target: String, task: LearningTask, csv: String) -> ServedModel {
    let algo = AlgorithmCatalog.algorithm(named: algorithm)!
    let spec = TrainingSpec(task: task, target: target, features: nil, algorithm: algo, params: algo.filled(params),
                            split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
    let frame = try! CSVReader.parse(Array(csv.utf8))
    let parts = try! Trainer.partition(spec, data: frame, test: nil)
    let artifact = try! Trainer.train(spec, train: parts.train, test: parts.test).artifact
    let bytes = artifact.encoded()
    return ServedModel(name: algorithm, version: "v1", digest: SHA256.hex(of: bytes), path: algorithm, artifact: artifact)
}

/// Rows of `a, b, colour` with a class label (`label`, text or number) and a value (`y`).
private func table(numericLabels: Bool, categorical: Bool) -> String {
    var rng = SplitMix64(seed: 3)
    var text = categorical ? "a,b,colour,label,y\n" : "a,b,label,y\n"
    for i in 0..<60 {
        let a = Double(rng.below(1000)) / 100, b = Double(rng.below(1000)) / 100
        let colour = ["red", "green", "blue"][i % 3]
        let k = (a > 5 ? 1 : 0) + (b > 5 ? 1 : 0)
        let label = numericLabels ? "\(k * 10)" : ["low", "mid", "high"][k]
        text += categorical ? "\(a),\(b),\(colour),\(label),\(a - b)\n" : "\(a),\(b),\(label),\(a - b)\n"
    }
    return text
}

private let models: [ServedModel] = {
    let numeric = table(numericLabels: false, categorical: false)
    let mixed = table(numericLabels: false, categorical: true)
    let intLabels = table(numericLabels: true, categorical: false)
    return [
        train("random_forest", ["nEstimators": 3], target: "label", task: .classification, csv: dropColumn("y", numeric)),
        train("ridge", [:], target: "y", task: .regression, csv: dropColumn("label", mixed)),
        train("decision_tree", [:], target: "label", task: .classification, csv: dropColumn("y", intLabels)),
        train("gradient_boosting", ["maxIter": 3, "minSamplesLeaf": 2], target: "label", task: .classification, csv: dropColumn("y", mixed)),
        train("logistic_regression", [:], target: "label", task: .classification, csv: dropColumn("y", mixed)),
        train("naive_bayes", [:], target: "label", task: .classification, csv: dropColumn("y", numeric)),
        train("knn", ["nNeighbors": 3], target: "label", task: .classification, csv: dropColumn("y", numeric)),
        train("knn", ["nNeighbors": 3], target: "y", task: .regression, csv: dropColumn("label", mixed)),
    ]
}()

/// The CSV text without the column called `name`.
private func dropColumn(_ name: String, _ csv: String) -> String {
    let lines = csv.split(separator: "\n")
    guard let index = lines.first?.split(separator: ",").firstIndex(where: { $0 == name }) else { return csv }
    return lines.map { line in
        var cells = line.split(separator: ",", omittingEmptySubsequences: false)
        cells.remove(at: index)
        return cells.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
}

/// Trains the models before the first input, so that their allocations are not taken for a leak
/// of that input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    precondition(models.count == 8)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInfer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var body = input
    var headerLength: Int?
    if let nul = input.firstIndex(of: 0) {
        body.remove(at: nul)
        headerLength = nul
    }
    let request: InferenceRequest
    do {
        request = try InferenceRequest.decode(body, headerLength: headerLength)
    } catch {
        precondition((400..<500).contains(error.status) && !error.message.isEmpty, "refused with \(error.status): \(error.message)")
        return 0
    }
    for tensor in request.inputs {
        let count = tensor.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let values: Int
        switch tensor.values {
        case .numbers(let v): values = v.count
        case .strings(let v): values = v.count
        }
        precondition(values == count, "input \(tensor.name) has shape \(tensor.shape) but \(values) values")
    }
    for model in models {
        do {
            let response = try model.infer(request)
            let json = response.body[0..<(response.headerLength ?? response.body.count)]
            precondition((try? JSONParser.parse(Array(json))) != nil, "the response's JSON part does not parse")
        } catch {
            precondition((400..<500).contains(error.status) && !error.message.isEmpty, "refused with \(error.status): \(error.message)")
        }
    }
    return 0
}
