import Foundation
import SluiceCore

/// Runs the `git` command line in a directory (revisions, `--changed-since`, the git source).
public struct Git: Sendable {
    public let directory: URL
    /// How long one git command may take before it is stopped (a fetch from a dead remote).
    public var timeout: Duration
    /// Credentials for the remote, handed to git through the environment (never argv).
    public var credentials: GitCredentials?

    public init(directory: URL, timeout: Duration = .seconds(120), credentials: GitCredentials? = nil) {
        self.directory = directory
        self.timeout = timeout
        self.credentials = credentials
    }

    /// The trimmed standard output of `git ARGS`.
    /// - Throws: ``GitError`` with git's message when it fails or times out (URLs in it redacted).
    public func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"  // never wait for a password on a terminal
        environment["LC_ALL"] = "C"
        if let credentials { environment.merge(credentials.environment) { $1 } }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw GitError("cannot run git: \(error.localizedDescription); install git") }
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
            throw GitError(Redaction.text("git \(arguments.joined(separator: " ")) did not finish within \(timeout) and was stopped"))
        }
        guard process.terminationStatus == 0 else {
            throw GitError(Redaction.text("git \(arguments.joined(separator: " ")) failed: \(message)"))
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
