import Foundation
import Testing

extension Sandbox {
    /// Runs git in the sandbox and returns its trimmed output; records an issue when it fails.
    @discardableResult
    func git(_ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root.path, "-c", "user.email=test@sluice.invalid", "-c", "user.name=Sluice Test",
                       "-c", "init.defaultBranch=main"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Makes the sandbox a git repository with everything committed on `main`; the store and the
    /// deploy directory are ignored, as in a real repository.
    func commitAll(_ message: String = "initial") throws {
        if !exists(".git") {
            try write(".gitignore", ".sluice/\ndeploy/\n.sluice-cache/\nbaseline/\n*.md\n*.xml\n*.html\n")
            try git("init", "-q", "-b", "main")
        }
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }
}
