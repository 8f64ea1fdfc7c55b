import Foundation
import SluiceCore

/// Runs the `git` command line in a directory (revisions, `--changed-since`, the git source).
struct Git {
    let directory: URL
    /// How long one git command may take before it is stopped (a fetch from a dead remote).
    var timeout: Duration = .seconds(120)
    /// Credentials for the remote, handed to git through the environment (never argv).
    var credentials: GitCredentials?

    /// The trimmed standard output of `git ARGS`.
    /// - Throws: ``GateError`` with git's message when it fails or times out (URLs in it redacted).
    func run(_ arguments: [String]) throws -> String {
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
            throw GateError(Redaction.text("git \(arguments.joined(separator: " ")) did not finish within \(timeout) and was stopped"))
        }
        guard process.terminationStatus == 0 else {
            throw GateError(Redaction.text("git \(arguments.joined(separator: " ")) failed: \(message)"))
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

/// A user name and password (or token) for a git remote over HTTP(S), kept out of every command
/// line (`ps` shows those to every user) and out of the clone's configuration: git asks for them
/// through a credential helper given in the environment (`GIT_CONFIG_COUNT`, git 2.31 or later)
/// that reads them from two environment variables of its own process.
public struct GitCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Splits the credentials out of a URL: the URL without its user information, and the
    /// credentials it held (percent-decoded), if any.
    public static func split(_ url: String) -> (url: String, credentials: GitCredentials?) {
        guard let schemeEnd = url.range(of: "://") else { return (url, nil) }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") else { return (url, nil) }
        let info = url[schemeEnd.upperBound..<at]
        let user = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let decode = { (s: Substring) in s.removingPercentEncoding ?? String(s) }
        let credentials = GitCredentials(username: decode(user[0]), password: user.count > 1 ? decode(user[1]) : "")
        return (String(url[..<schemeEnd.upperBound]) + url[url.index(after: at)...], credentials)
    }

    /// The environment that gives git these credentials and no others: the helper list is
    /// emptied, then one helper answers `get` from `SLUICE_GIT_USERNAME` / `SLUICE_GIT_PASSWORD`.
    var environment: [String: String] {
        [
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "credential.helper", "GIT_CONFIG_VALUE_0": "",
            "GIT_CONFIG_KEY_1": "credential.helper",
            "GIT_CONFIG_VALUE_1": #"!f() { test "$1" = get || exit 0; echo "username=$SLUICE_GIT_USERNAME"; echo "password=$SLUICE_GIT_PASSWORD"; }; f"#,
            "SLUICE_GIT_USERNAME": username, "SLUICE_GIT_PASSWORD": password,
        ]
    }
}
