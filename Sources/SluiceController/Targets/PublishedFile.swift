import SluiceCore
import SluiceManifest
import SluiceReconcile

/// A file published beside `model.json` (`spec.deploy.formats`: `model.onnx`), its digest in
/// `metadata.json` under `formats.<format>`.
public struct PublishedFile: Sendable, Equatable {
    public var format: PublishFormat
    public var bytes: [UInt8]

    public init(format: PublishFormat, bytes: [UInt8]) {
        self.format = format
        self.bytes = bytes
    }

    /// The file's name at the target (`model.onnx`).
    public var name: String { format.file }

    /// Its entry in `metadata.json`'s `formats`.
    public var metadata: JSON {
        ["file": .string(name), "sha256": .string(SHA256.hex(of: bytes)), "bytes": .number(Double(bytes.count))]
    }

    /// The formats a target may hold beside `model.json`: those that are not expected are removed
    /// when it is published to, and are drift while they are there.
    public static let extraFormats = PublishFormat.allCases.filter { $0 != .sluice }

    /// Checks the extra files a target holds against `metadata.json` (already checked to name
    /// the expected version): each expected one must hash to the digest the metadata gives it,
    /// and no other may be there.
    /// - Parameters:
    ///   - digest: the SHA-256 of a file at the target by name; `nil` when it is not there.
    ///   - display: how messages name the target's place (`deploy/iris`, `s3://b/p`).
    public static func check(metadata: JSON, expected: ExpectedContent, display: String,
                             digest: (String) throws -> String?) -> TargetObservation {
        for format in extraFormats {
            let file = format.file
            let found: String?
            do { found = try digest(file) } catch { return .drifted("\(display)/\(file) is unreadable: \(error)") }
            guard expected.formats.contains(format) else {
                if found != nil { return .drifted("\(display)/\(file) is there, but spec.deploy.formats does not list \(format.rawValue)") }
                continue
            }
            guard let found else { return .drifted("\(display)/\(file) is missing") }
            let want = metadata["formats"]?[format.rawValue]?["sha256"]?.stringValue
            guard let want else { return .drifted("\(display)/metadata.json was changed: it has no formats.\(format.rawValue).sha256") }
            guard found == want else {
                return .drifted("\(display)/\(file) was changed (sha256 \(found.prefix(12)), metadata.json says \(want.prefix(12)))")
            }
        }
        return .matches
    }
}
