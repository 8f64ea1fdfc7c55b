// sluice-engine-bench: trains one algorithm on a train/test CSV pair with the Sluice engine and prints
// one JSON line of measurements. Driven by bench/engine.py, which runs scikit-learn and LightGBM
// on the same files in the same run. It depends on the engine alone (SluiceLearn), so its release
// build does not compile the server and UI stack.
//
//   sluice-engine-bench TRAIN.csv TEST.csv ALGORITHM TASK [PARAMS-JSON] [--runs N] [--predict-runs M]
//
// --predict-runs M times batch prediction M times instead of max(N, 3) (to profile that path alone).
//   sluice-engine-bench --read FILE.csv [--runs N]
import Foundation
import SluiceCore
import SluiceLearn

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sluice-engine-bench: \(message)\n".utf8))
    exit(2)
}

/// The bytes of a file, read straight into an array (no intermediate `Data` copy).
func contents(_ path: String) -> [UInt8] {
    guard let handle = fopen(path, "rb") else { fail("cannot read \(path)") }
    defer { fclose(handle) }
    fseek(handle, 0, SEEK_END)
    let size = ftell(handle)
    fseek(handle, 0, SEEK_SET)
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, handle) }
    guard read == size else { fail("short read of \(path)") }
    return bytes
}

func readCSV(_ path: String) -> DataFrame {
    do { return try CSVReader.parse(contents(path)) } catch { fail("\(path): \(error)") }
}

var args = Array(CommandLine.arguments.dropFirst())
var runs = 1
if let i = args.firstIndex(of: "--runs") {
    runs = Int(args[i + 1]) ?? 1
    args.removeSubrange(i...(i + 1))
}
var predictRuns: Int?
if let i = args.firstIndex(of: "--predict-runs") {
    predictRuns = Int(args[i + 1])
    args.removeSubrange(i...(i + 1))
}
let clock = ContinuousClock()

if args.first == "--read" {
    var times: [Double] = []
    var rows = 0
    for _ in 0..<runs {
        let start = clock.now
        let frame = (try? CSVReader.parse(contents(args[1]))) ?? DataFrame(columns: [])
        rows = frame.rowCount
        times.append(seconds(clock.now - start))
    }
    print(JSON.object(["rows": .number(Double(rows)), "read_s": .numbers(times)]).canonical())
    exit(0)
}

guard args.count >= 4 else { fail("usage: sluice-engine-bench TRAIN.csv TEST.csv ALGORITHM TASK [PARAMS-JSON] [--runs N]") }
let train = readCSV(args[0]), test = readCSV(args[1])
guard let algorithm = AlgorithmCatalog.algorithm(named: args[2]) else { fail("unknown algorithm \(args[2])") }
guard let task = LearningTask(rawValue: args[3]) else { fail("unknown task \(args[3])") }
var params: [String: JSON] = [:]
if args.count > 4 {
    guard let p = (try? JSONParser.parse(args[4]))?.value.objectValue else { fail("params must be a JSON object") }
    params = p
}
for (k, v) in params where !(algorithm.parameter(k)?.accepts(v) ?? false) { fail("invalid parameter \(k)") }
let spec = TrainingSpec(task: task, target: "target", features: nil, algorithm: algorithm, params: algorithm.filled(params), split: SplitSpec())
var fitTimes: [Double] = []
var fitted: ModelArtifact?
for _ in 0..<runs {
    let start = clock.now
    do {
        // The fit includes encoding the training frame (as scikit-learn's fit includes validating X);
        // writing the artifact is not part of it (nor is pickling part of scikit-learn's).
        fitted = try Trainer.fit(spec, train: train)
    } catch { fail("\(error)") }
    fitTimes.append(seconds(clock.now - start))
}
let artifact = fitted!

/// From the raw frame to one label index (classification) or value (regression) per row.
func predictLabels(_ artifact: ModelArtifact, _ frame: DataFrame) -> [Double] {
    do {
        let predictions = try artifact.predictions(artifact.encoder.batch(frame))
        if artifact.task == .regression { return predictions.values }
        return predictions.labels.map(Double.init)
    } catch { fail("predict: \(error)") }
}
let artifactBytes = artifact.encoded().count
// Batch prediction on the test file: the same work as scikit-learn's `predict()` — from the raw
// test frame to one label (or value) per row, encoding included — timed apart from the metrics,
// which are computed afterwards as the Python side computes them outside its timing.
var predictTimes: [Double] = []
var predicted: [Double] = []
for _ in 0..<(predictRuns ?? max(runs, 3)) {
    let start = clock.now
    predicted = predictLabels(artifact, test)
    predictTimes.append(seconds(clock.now - start))
}
guard predicted.count == test.rowCount else { fail("predicted \(predicted.count) rows of \(test.rowCount)") }
let evaluation: Evaluation?
do { evaluation = try Trainer.evaluate(artifact, on: test) } catch { fail("evaluate: \(error)") }
let x = try artifact.encoder.transform(test)
var row = [Double](repeating: 0, count: x.cols)
var out = [Double](repeating: 0, count: artifact.outputs)
let calls = 2000
var latencies: [Double] = []
latencies.reserveCapacity(calls)
for i in 0..<calls {
    x.copyRow(i % x.rows, into: &row)
    let start = clock.now
    row.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { artifact.predict(r, into: $0) } }
    latencies.append(seconds(clock.now - start))
}
latencies.sort()
/// The process's own peak RSS (VmHWM, which starts afresh at exec, unlike ru_maxrss).
func peakRSS() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}
let result: JSON = [
    "algorithm": .string(args[2]), "task": .string(args[3]),
    "fit_s": .numbers(fitTimes), "predict_s": .numbers(predictTimes),
    "latency_median_us": .number(latencies[calls / 2] * 1e6),
    "metrics": .object(evaluation!.metrics.mapValues(JSON.number)),
    "peak_rss_mib": .number(peakRSS()),
    "artifact_bytes": .number(Double(artifactBytes)),
]
print(result.canonical())
