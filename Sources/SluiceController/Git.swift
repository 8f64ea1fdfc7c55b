import Foundation

/// Runs the `git` command line in a directory (revisions, `--changed-since`, the git source).
struct Git {
    let directory: URL
    /// How long one git command may take before it is stopped (a fetch from a dead remote).
    var timeout: Duration = .seconds(120)

    /// The trimmed standard output of `git ARGS`.
    /// - Throws: ``GateError`` with git's message when it fails or times out.
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"  // never wait for a password on a terminal
        environment["LC_ALL"] = "C"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw GateError("cannot run git: \(error.localizedDescription); install git") }
        let timer = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds, execute: timer)
        // Read standard error on another thread so that neither pipe can fill up and stall git.
        let errors = LockedBuffer()
        let errorReader = Thread { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let message = errors.wait().trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            throw GateError("git \(arguments.joined(separator: " ")) did not finish within \(timeout) and was stopped")
        }
        guard process.terminationStatus == 0 else {
            throw GateError("git \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Standard error of a child process, handed from its reader thread.
private final class LockedBuffer: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    func set(_ d: Data) { data = d; done.signal() }
    func wait() -> String { done.wait(); return String(decoding: data, as: UTF8.self) }
}
