import Foundation

/// Debian's `chromium`, run headless on a page of a server on loopback: a screenshot, or the DOM
/// after the page loaded (`--dump-dom`). Each run has its own temporary profile and is killed,
/// with every process it started, when it outlives its timeout.
struct Chromium {
    /// The executable, from `PATH`; `nil` when Chromium is not installed (`scripts/deps` installs it).
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in dirs {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Whether the browser tests can run: Chromium is installed.
    static var installed: Bool { path != nil }

    /// Whether the tests run under CI (`CI` set), where a missing Chromium is a failure, not a skip.
    static var underCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// The window: 1280×900 on a desktop, 375×800 for a phone.
    struct Window {
        var width: Int
        var height: Int
        static let desktop = Window(width: 1280, height: 900)
        static let phone = Window(width: 375, height: 800)
    }

    let executable: String

    /// - Throws: when Chromium is not installed, saying how to install it.
    init() throws {
        guard let path = Chromium.path else { throw TestFailure("chromium is not installed: run scripts/deps (it installs Debian's chromium)") }
        executable = path
    }

    /// The page's DOM once it has loaded, serialised as HTML.
    func dumpDOM(_ url: String, window: Window = .desktop, timeout: Double = 60) throws -> String {
        try run(["--dump-dom", url], window: window, timeout: timeout)
    }

    /// A PNG of the window's worth of the page, written to `file`; with `dark`, as a browser set to
    /// a dark colour scheme shows it (`prefers-color-scheme: dark`).
    func screenshot(_ url: String, to file: URL, window: Window = .desktop, dark: Bool = false, timeout: Double = 60) throws {
        try? FileManager.default.removeItem(at: file)
        _ = try run((dark ? ["--force-dark-mode"] : []) + ["--screenshot=\(file.path)", url], window: window, timeout: timeout)
        guard FileManager.default.fileExists(atPath: file.path) else { throw TestFailure("chromium wrote no screenshot of \(url) to \(file.path)") }
    }

    /// Runs headless Chromium under `timeout(1)`, which puts it in a process group of its own and
    /// kills the whole group (renderer and zygote included) when it outlives `timeout` seconds.
    /// - Returns: what it printed on standard output.
    private func run(_ arguments: [String], window: Window, timeout: Double) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // --no-sandbox: Chromium's sandbox refuses to start as root, and in most containers; the
        // pages loaded are this test's own, from its own server on loopback.
        process.arguments = ["timeout", "-k", "5", String(Int(timeout)), executable,
                             "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--window-size=\(window.width),\(window.height)", "--user-data-dir=\(profile.path)"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let stderr = String(decoding: errData, as: UTF8.self)
        if process.terminationStatus == 124 || process.terminationStatus == 137 {
            throw TestFailure("chromium did not finish \(arguments.joined(separator: " ")) within \(Int(timeout)) s:\n\(stderr.suffix(2000))")
        }
        guard process.terminationStatus == 0 else {
            throw TestFailure("chromium \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(stderr.suffix(2000))")
        }
        return String(decoding: outData, as: UTF8.self)
    }
}

/// The elements of a page as Chromium serialised it (`--dump-dom`): enough to find a start tag by
/// its attributes and what lies between it and its end tag, without an HTML parser.
struct DumpedDOM {
    let html: String

    /// One element: its attributes and its markup up to the matching end tag (nesting of the same
    /// tag counted).
    struct Element {
        var attributes: [String: String]
        var inner: String

        /// The element's classes.
        var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
    }

    /// Every element named `tag`, in document order.
    func elements(_ tag: String) -> [Element] {
        let pattern = try! Regex("<\(tag)(\\s[^>]*)?>").ignoresCase()
        return html.matches(of: pattern).map { match in
            let attributes = DumpedDOM.attributes(String(html[match.range].dropFirst(tag.count + 1).dropLast()))
            return Element(attributes: attributes, inner: inner(tag, after: match.range.upperBound))
        }
    }

    /// The elements named `tag` whose attributes include all of `having`.
    func elements(_ tag: String, _ having: [String: String]) -> [Element] {
        elements(tag).filter { e in having.allSatisfy { e.attributes[$0.key] == $0.value } }
    }

    /// The elements named `tag` with class `name`.
    func elements(_ tag: String, class name: String) -> [Element] {
        elements(tag).filter { $0.classes.contains(name) }
    }

    /// The element whose `id` is `id`, whatever its tag.
    func element(id: String) -> Element? {
        guard let match = html.firstMatch(of: try! Regex("<([a-zA-Z][a-zA-Z0-9]*)(?:\\s[^>]*)?\\sid=\"\(id)\"[^>]*>")) else { return nil }
        let tag = String(match.output[1].substring ?? "")
        let attributes = DumpedDOM.attributes(String(html[match.range].dropFirst(tag.count + 1).dropLast()))
        return Element(attributes: attributes, inner: inner(tag, after: match.range.upperBound))
    }

    private func inner(_ tag: String, after start: String.Index) -> String {
        let open = try! Regex("<\(tag)[\\s>]").ignoresCase(), close = try! Regex("</\(tag)>").ignoresCase()
        var depth = 1
        var cursor = start
        while let next = html[cursor...].firstMatch(of: close) {
            depth += html[cursor..<next.range.lowerBound].matches(of: open).count - 1
            if depth == 0 { return String(html[start..<next.range.lowerBound]) }
            cursor = next.range.upperBound
        }
        return String(html[start...])
    }

    /// `name="value"` pairs of a start tag (Chromium always quotes with `"`), entities in values decoded.
    static func attributes(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for m in text.matches(of: #/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/#) {
            out[String(m.1).lowercased()] = m.2.map { decode(String($0)) } ?? ""
        }
        return out
    }

    static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
