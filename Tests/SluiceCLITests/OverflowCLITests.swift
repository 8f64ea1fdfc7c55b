import Foundation
import Testing
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// The crashes of the reliability attack, through the real binary: each one killed the process
/// (exit 132 or 133); now each is a message and an exit code that says what happened.
@Suite struct OverflowCLITests {
    /// A training set whose feature `a` is ±1e308.
    static let bigCSV = "a,b,y\n" + (0..<60).map { "\($0 % 2 == 0 ? "1e308" : "-1e308"),\($0),\($0 % 3 == 0 ? "q" : "p")" }.joined(separator: "\n") + "\n"

    @Test func aModelWhoseTrainingOverflowsFailsAloneAndTheOthersArePublished() throws {
        // D3: kNN on this data aborted the whole apply (SIGILL); iris was not published either.
        let s = try Sandbox()
        try s.write("examples/data/big.csv", Self.bigCSV)
        for algorithm in ["knn", "naive_bayes"] {
            var m = try JSONParser.parse(s.manifest(name: "big-\(algorithm.replacingOccurrences(of: "_", with: "-"))", algorithm: algorithm,
                                                    source: "examples/data/big.csv")).value
            m.set("spec.dataset.target", "y")
            m.set("spec.gate", ["accuracy": ["min": 0.1]])
            try s.write("manifests/big-\(algorithm).json", m.canonical(pretty: true))
        }
        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(!apply.output.contains("crashed") && !apply.output.contains("Fatal error"), "\(apply.output)")
        #expect(apply.output.contains("big-knn") && apply.output.contains("training knn overflowed"), "\(apply.output)")
        #expect(s.exists("deploy/iris/model.json"), "the valid model is published: \(apply.output)")
        #expect(!s.exists("deploy/big-knn/model.json"))
    }

    @Test func predictWithValuesThatOverflowIsAnError() throws {
        // D1: `sluice predict` on a kNN model with ±1e308 died with exit 132.
        let s = try Sandbox()
        try s.write("manifests/iris-knn.json", s.manifest(name: "iris-knn", algorithm: "knn"))
        #expect(try s.run("apply").status == 0)
        let row = #"[{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}, {"sepal_length": 1e308, "sepal_width": -1e308, "petal_length": 1e308, "petal_width": -1e308}]"#
        let r = try s.run("predict", "iris-knn", "--json", stdin: row)
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("row 2") && r.stderr.contains("overflowed"), "\(r.output)")
        let fine = try s.run("predict", "iris-knn", "--json", stdin: #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#)
        #expect(fine.status == 0, "\(fine.output)")
    }

    @Test func maxBodySizeOutOfRangeIsRefusedAtOnce() throws {
        // D16: 8796093022208 MiB overflowed `<< 20`; the server started, then trapped on the first request.
        let s = try Sandbox()
        for value in ["8796093022208", "0", "4097"] {
            let r = try s.run("serve", "--repository", ".", "--port", "0", "--max-body-size", value)
            #expect(r.status == 1, "\(value): \(r.output)")  // a bad option value exits 1 (DESIGN §3)
            #expect(r.stderr.contains("--max-body-size \(value): must be between 1 and 4096 MiB"), "\(r.output)")
        }
    }

    @Test func versionIsTheOneTheServerReports() throws {
        let r = try Sandbox(shipped: false).run("--version")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == sluiceVersion)
    }

    /// Sends raw bytes to 127.0.0.1:`port` and returns what comes back until the server closes
    /// the connection or 10 s pass without a byte.
    static func exchange(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
            if let text = String(bytes: answer, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
               let length = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
               answer.count >= text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound.samePosition(in: text.utf8)!) + length {
                break
            }
        }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test func protocolErrorsGetTheirStatusCodes() throws {
        // D19: a bad chunk size was 500; a Content-Length of 10^18 got no answer (the server
        // waited for the body); GET on the infer route was 404; oversized headers were 400.
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0"], name: "serve", command: "serve")
        let port = try server.port()
        let chunk = try Self.exchange(port: port, "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n")
        #expect(chunk.hasPrefix("HTTP/1.1 400"), "\(chunk)")
        let huge = try Self.exchange(port: port, "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000000\r\n\r\n{")
        #expect(huge.hasPrefix("HTTP/1.1 413"), "\(huge)")
        #expect(huge.contains("larger than the server's limit"), "\(huge)")
        let method = try Self.exchange(port: port, "GET /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(method.hasPrefix("HTTP/1.1 405"), "\(method)")
        #expect(method.lowercased().contains("allow: post"), "\(method)")
        let long = try Self.exchange(port: port, "GET /v2 HTTP/1.1\r\nHost: x\r\nX-Long: \(String(repeating: "a", count: 100_000))\r\n\r\n")
        #expect(long.hasPrefix("HTTP/1.1 431"), "\(long.prefix(200))")
        let many = try Self.exchange(port: port, "GET /v2 HTTP/1.1\r\nHost: x\r\n" + (0..<10_000).map { "X-\($0): v\r\n" }.joined() + "\r\n")
        #expect(many.hasPrefix("HTTP/1.1 431"), "\(many.prefix(200))")
        let alive = try Self.exchange(port: port, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(alive.hasPrefix("HTTP/1.1 200"), "\(alive)")
    }
}

extension OverflowCLITests {
    @Test func aBaselineWithDuplicateCategoriesIsRefusedNotATrap() throws {
        // D15: `gate --baseline` trapped in Dictionary(uniqueKeysWithValues:) (exit 132) evaluating it.
        let s = try Sandbox()
        try s.write("examples/data/colours.csv", "a,colour,y\n" + (0..<90).map { "\($0 % 9),\(["red", "green", "blue"][$0 % 3]),\($0 % 2 == 0 ? "p" : "q")" }.joined(separator: "\n") + "\n")
        var m = try JSONParser.parse(s.manifest(name: "cat", gate: ["accuracy": ["min": 0.0, "maxRegression": 0.5]], source: "examples/data/colours.csv")).value
        m.set("spec.dataset.target", "y")
        try s.write("manifests/cat.json", m.canonical(pretty: true))
        #expect(try s.run("apply").status == 0)
        try FileManager.default.createDirectory(at: s.url("baseline"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: s.url("deploy/cat"), to: s.url("baseline/cat"))
        try s.edit("baseline/cat/model.json") { artifact in
            guard case .array(var features)? = artifact["features"], let i = features.firstIndex(where: { $0["name"] == "colour" }),
                  case .array(let categories)? = features[i]["categories"] else { return }
            features[i].set("categories", .array(categories + [categories[0]]))
            artifact.set("features", .array(features))
        }
        let digest = SHA256.hex(of: try s.bytes("baseline/cat/model.json"))
        try s.edit("baseline/cat/metadata.json") { $0.set("artifact.sha256", .string(digest)) }
        try s.edit("manifests/cat.json") { $0.set("spec.algorithm.params", ["maxDepth": 2]) }
        let r = try s.run("gate", "--model", "cat", "--baseline", "baseline", "--store", "sqlite:fresh/state.db", "--json")
        #expect(r.status < 128 && !r.output.contains("Fatal error"), "\(r.output)")
        #expect(r.output.contains("is listed twice"), "\(r.output)")
        // And not a false green: a champion that cannot be loaded leaves the regression rule
        // unchecked, which is an error (exit 1), not a skipped rule and a pass.
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("maxRegression rule cannot be checked"), "\(r.output)")
    }
}
