// sluice-onnx-bench: trains one algorithm on a train/test CSV pair with the Sluice engine, writes the
// model as ONNX (SluiceONNX, as `sluice export` does), and prints one JSON line of Sluice's own
// in-process prediction times for the same rows: batch (encode the raw test frame + predict) and one
// raw row at a time (encode + predict). Driven by bench/onnx/run.py, which times onnxruntime on the
// ONNX file and skl2onnx's export of the scikit-learn counterpart.
//
//   sluice-onnx-bench TRAIN.csv TEST.csv ALGORITHM TASK PARAMS-JSON OUT.onnx [--runs N]
import Foundation
import SluiceCore
import SluiceLearn
import SluiceONNX

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sluice-onnx-bench: \(message)\n".utf8))
    exit(2)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var args = Array(CommandLine.arguments.dropFirst())
var runs = 7
if let i = args.firstIndex(of: "--runs") {
    runs = Int(args[i + 1]) ?? runs
    args.removeSubrange(i...(i + 1))
}
guard args.count == 6 else { fail("usage: sluice-onnx-bench TRAIN.csv TEST.csv ALGORITHM TASK PARAMS-JSON OUT.onnx [--runs N]") }
func frame(_ path: String) -> DataFrame {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    do { return try CSVReader.parse([UInt8](data)) } catch { fail("\(path): \(error)") }
}
let train = frame(args[0]), test = frame(args[1])
guard let algorithm = AlgorithmCatalog.algorithm(named: args[2]), let task = LearningTask(rawValue: args[3]) else {
    fail("unknown algorithm or task")
}
guard let params = (try? JSONParser.parse(args[4]))?.value.objectValue else { fail("params must be a JSON object") }
let spec = TrainingSpec(task: task, target: "target", features: nil, algorithm: algorithm, params: algorithm.filled(params), split: SplitSpec())
let artifact: ModelArtifact
do { artifact = try Trainer.fit(spec, train: train) } catch { fail("\(error)") }
do { try Data(ONNXExporter().export(artifact, name: "bench")).write(to: URL(fileURLWithPath: args[5])) } catch { fail("\(error)") }

let clock = ContinuousClock()
// Batch: the raw test frame encoded (imputation, one-hot, scaling) and predicted, as ONNX does in its graph.
var batch: [Double] = []
for _ in 0..<runs {
    let start = clock.now
    do { _ = try artifact.predict(try artifact.encoder.transform(test)) } catch { fail("\(error)") }
    batch.append(seconds(clock.now - start))
}
// One raw row at a time: encode its values, predict.
let rows: [[JSON]] = (0..<test.rowCount).map { r in
    artifact.encoder.features.map { f in
        switch test.column(named: f.name)!.storage {
        case .numeric(let v): .number(v[r])
        case .string(let v): v[r].map(JSON.string) ?? .null
        }
    }
}
var encoded = [Double](repeating: 0, count: artifact.encoder.width)
var single: [Double] = []
let calls = 2000
for i in 0..<calls {
    let start = clock.now
    do { try artifact.encoder.encode(values: rows[i % rows.count], into: &encoded) } catch { fail("\(error)") }
    _ = artifact.predict(encodedRow: encoded)
    single.append(seconds(clock.now - start))
}
print(JSON.object([
    "rows": .number(Double(test.rowCount)),
    "batch_s": .number(median(batch)),
    "row_us": .number(median(single) * 1e6),
]).canonical())
