// libFuzzer target: SluiceLearn's artifact decoder (`model.json`, read by `serve`, `predict` and
// `gate --baseline`, possibly from a file someone else wrote).
//
// Beyond "never traps": an artifact that decodes encodes to bytes that decode to the same
// artifact, and it predicts a row (all features missing, so each takes its fill value) with one
// value per output.
import SluiceCore
import SluiceLearn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArtifact(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let artifact = try? ModelArtifact.decode(bytes, expectedDigest: nil) else { return 0 }
    let encoded = artifact.encoded()
    guard let again = try? ModelArtifact.decode(encoded, expectedDigest: SHA256.hex(of: encoded)) else {
        preconditionFailure("an artifact's own encoding does not decode: \(String(decoding: encoded, as: UTF8.self))")
    }
    precondition(again == artifact, "encoding and decoding changes the artifact")
    if let predictions = try? artifact.predict(rows: [[:]]) {
        precondition(predictions.count == 1)
        precondition(predictions[0].probabilities.count == (artifact.task == .classification ? artifact.outputs : 0))
    }
    return 0
}
