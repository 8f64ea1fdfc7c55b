import Foundation
import Testing
import SluiceCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A long-running `sluice run` (or `sluice serve`) process started by a test, its log in a
/// file of the sandbox.
final class ControllerProcess {
    let process = Process()
    let log: URL

    init(_ sandbox: Sandbox, _ arguments: [String], name: String = "controller", command: String = "run",
         environment: [String: String] = [:]) throws {
        log = sandbox.url("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Sandbox.binary
        process.arguments = [command] + arguments
        process.currentDirectoryURL = sandbox.root
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends a signal and waits up to `timeout` seconds for the exit.
    /// - Returns: the exit status and how long it took, or `nil` if it did not exit.
    func signal(_ sig: Int32, timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        let start = Date()
        kill(process.processIdentifier, sig)
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout { return nil }
            usleep(20_000)
        }
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    /// The port of the HTTP endpoint, from the log line that announces it (`address=HOST:PORT`).
    func port(timeout: Double = 20) throws -> Int {
        var found: Int?
        let ok = waitUntil(timeout: timeout) {
            guard let match = output.firstMatch(of: #/(?:HTTP endpoint listening|serving) address=[^ ]*:([0-9]+)[ \n]/#) else { return false }
            found = Int(match.1)
            return found != nil
        }
        guard ok, let found else { throw TestFailure("the process did not start its HTTP endpoint:\n\(output)") }
        return found
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
@discardableResult
func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// A real HTTP request over loopback through URLSession (libcurl on Linux).
func http(_ method: String, _ url: String, body: String? = nil, headers: [String: String] = [:],
          timeout: Double = 10) throws -> (status: Int, body: String, headers: [String: String]) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    request.timeoutInterval = timeout
    request.httpBody = body.map { Data($0.utf8) }
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: (Int, String, [String: String])?
    nonisolated(unsafe) var failure: (any Error)?
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let error { failure = error } else if let r = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (k, v) in r.allHeaderFields { headers["\(k)".lowercased()] = "\(v)" }
            result = (r.statusCode, String(decoding: data ?? Data(), as: UTF8.self), headers)
        }
        done.signal()
    }.resume()
    done.wait()
    if let failure { throw failure }
    return result!
}

extension Sandbox {
    /// The published version of a model, from its `metadata.json`.
    func publishedVersion(_ deploy: String) -> String? {
        guard let bytes = try? self.bytes("\(deploy)/metadata.json"), let json = try? JSONParser.parse(bytes).value else { return nil }
        return json["version"]?.stringValue
    }

    /// The `metadata.json` of a published model.
    func metadata(_ deploy: String) -> JSON? {
        guard let bytes = try? self.bytes("\(deploy)/metadata.json") else { return nil }
        return try? JSONParser.parse(bytes).value
    }

    /// A CSV of `rows` rows, 8 numeric features and 3 classes: slow enough to train with many
    /// trees that a test can act while training is under way.
    func writeSlowDataset(_ relative: String, rows: Int = 4000) throws {
        var rng = SplitMix(seed: 1)
        var lines = [(0..<8).map { "f\($0)" }.joined(separator: ",") + ",label"]
        for _ in 0..<rows {
            let x = (0..<8).map { _ in rng.uniform() * 4 - 2 }
            let label = ["a", "b", "c"][Int(abs(x[0] + x[1] * x[2]) * 2) % 3]
            lines.append(x.map { String(format: "%.4f", $0) }.joined(separator: ",") + "," + label)
        }
        try write(relative, lines.joined(separator: "\n") + "\n")
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
