// libFuzzer target: SluiceManifest's decoder and the manifest set built from it.
//
// Beyond "never traps": every manifest object in a file either decodes or has at least one error
// pointing into it (a manifest that silently vanished would have its model retired), every error
// names the file, and every decoded manifest has its digests.
import SluiceCore
import SluiceManifest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file = "manifests/fuzz.json"
    let (manifests, errors) = ManifestDecoder.decode(bytes, file: file)
    for error in errors {
        precondition(error.file == file && !error.message.isEmpty, "error without file or message: \(error)")
        _ = error.description
    }
    for manifest in manifests {
        precondition(manifest.origin.file == file)
        _ = manifest.digest
        _ = manifest.gateDigest
        _ = manifest.trainingInputs.canonical()
    }
    // Account for every object of the file: decoded (its origin is the object's position) or
    // reported (an error path under the object's index).
    if let root = try? JSONParser.parse(bytes) {
        let items: [(JSONNode, String)]
        if case .array(let list) = root.kind {
            items = list.enumerated().map { ($1, "[\($0)]") }
            if list.isEmpty { precondition(!errors.isEmpty, "an empty array without an error") }
        } else {
            items = [(root, "")]
        }
        for (node, prefix) in items {
            let decoded = manifests.contains { $0.origin.position == node.position }
            let reported = errors.contains { prefix.isEmpty || $0.path == prefix || $0.path.hasPrefix(prefix + ".") }
            precondition(decoded != reported, "object \(prefix.isEmpty ? "(root)" : prefix) is \(decoded ? "both decoded and reported" : "neither decoded nor reported")")
        }
    } else {
        precondition(manifests.isEmpty && errors.count == 1, "invalid JSON gives one error")
    }
    let set = ManifestSet.assemble([(path: file, bytes: bytes)])
    precondition(set.errors.count >= errors.count, "the set lost errors of its file")
    return 0
}
