import Foundation

/// The git revision of the manifests, recorded on every version and publication.
public enum GitRevision {
    /// `HEAD`'s commit id when `directory` is inside a git work tree (with `+dirty` when the
    /// manifests have uncommitted changes), otherwise `nil`.
    public static func current(of directory: URL) -> String? {
        guard let head = run(["-C", directory.path, "rev-parse", "HEAD"]), head.count >= 40 else { return nil }
        let status = run(["-C", directory.path, "status", "--porcelain", "--", "."]) ?? ""
        return status.isEmpty ? head : head + "+dirty"
    }

    static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
