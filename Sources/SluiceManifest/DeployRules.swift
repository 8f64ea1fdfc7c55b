import SluiceCore

/// Where models may be published: the checks on `spec.deploy.path` that depend on the
/// controller's layout (DESIGN §8, "Deploy paths").
///
/// A relative path resolves against the root and must stay below it (not the root itself), and
/// outside the protected directories (the manifests directory, the store's directory…). An
/// absolute path is accepted only below one of the directories the operator allows
/// (`--deploy-root`), and outside the protected directories too. NUL and other control
/// characters are refused everywhere.
///
/// The rules are pure: the only view of the file system is `resolve`, which the caller supplies
/// to follow symbolic links (the identity in tests), so a path that escapes through a link is
/// caught as well as one that escapes through `..`.
public struct DeployRules: Sendable {
    /// A directory no model may be published into, with what to call it in messages.
    public struct Protected: Sendable {
        public var path: String
        public var name: String
        public init(path: String, name: String) {
            self.path = path
            self.name = name
        }
    }

    /// The root relative deploy paths resolve against (absolute).
    public let root: String
    public let protected: [Protected]
    /// The directories absolute deploy paths may be below (`--deploy-root`, absolute).
    public let allowedRoots: [String]
    let resolve: @Sendable (String) -> String
    let realRoot: String
    let realProtected: [Protected]
    let realAllowed: [String]

    /// - Parameters:
    ///   - root: where relative deploy paths resolve (absolute).
    ///   - protected: directories nothing may be published into (absolute).
    ///   - allowedRoots: the `--deploy-root` directories (absolute).
    ///   - resolve: maps an absolute, normalised path to the path it really names, following
    ///     symbolic links in the part that exists.
    public init(root: String, protected: [Protected] = [], allowedRoots: [String] = [],
                resolve: @escaping @Sendable (String) -> String = { $0 }) {
        self.root = Self.normalise(root)
        self.protected = protected.map { Protected(path: Self.normalise($0.path), name: $0.name) }
        self.allowedRoots = allowedRoots.map(Self.normalise)
        self.resolve = resolve
        realRoot = resolve(self.root)
        realProtected = self.protected.map { Protected(path: resolve($0.path), name: $0.name) }
        realAllowed = self.allowedRoots.map(resolve)
    }

    /// The directory a deploy path names: absolute and normalised, symbolic links followed, so
    /// that two spellings of one directory compare equal.
    public func location(_ path: String) -> String {
        resolve(path.hasPrefix("/") ? Self.normalise(path) : Self.normalise(root + "/" + path))
    }

    /// What is wrong with a directory deploy path, or `nil` when it may be published to.
    /// The message quotes the value and says what to do; the caller names file and field.
    public func problem(_ path: String) -> String? {
        let quoted = JSON.string(path).canonical()
        if let bad = path.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            return "\(quoted) contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code); a deploy path must be plain text. Remove it"
        }
        if path.isEmpty { return "the path is empty; give a directory such as \"deploy/NAME\"" }
        let lexical: String
        if path.hasPrefix("/") {
            lexical = Self.normalise(path)
            guard !realAllowed.isEmpty else {
                return "\(quoted) is an absolute path, and absolute deploy paths are allowed only below a directory the operator names with --deploy-root DIR. Use a path relative to the root (such as \"deploy/NAME\"), or run with --deploy-root"
            }
        } else {
            var depth = 0
            for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
                depth += part == ".." ? -1 : 1
                if depth < 0 {
                    return "\(quoted) leaves the root \(root) through \"..\"; a relative deploy path must stay inside the root. Use a path such as \"deploy/NAME\", or an absolute path below a --deploy-root"
                }
            }
            lexical = Self.normalise(root + "/" + path)
            if lexical == root {
                return "\(quoted) is the root itself; a model needs a directory of its own. Use a path such as \"deploy/NAME\""
            }
        }
        let real = resolve(lexical)
        let via = real == lexical ? "" : " (through a symbolic link, it is \(real))"
        for p in realProtected where real == p.path || Self.isBelow(real, p.path) {
            return "\(quoted) is inside \(p.name) (\(p.path))\(via); published files there would be taken for Sluice's own. Use a path outside it, such as \"deploy/NAME\""
        }
        let allowed = realAllowed.contains { Self.isBelow(real, $0) }
        if path.hasPrefix("/") {
            guard allowed else {
                return "\(quoted) is not below any --deploy-root (\(allowedRoots.joined(separator: ", ")))\(via). Use a path below one of them, or allow its directory with --deploy-root"
            }
        } else if !allowed {
            if real == realRoot {
                return "\(quoted) is the root itself\(via); a model needs a directory of its own. Use a path such as \"deploy/NAME\""
            }
            guard Self.isBelow(real, realRoot) else {
                return "\(quoted)\(via.isEmpty ? " resolves to \(real)," : via) outside the root \(realRoot); a relative deploy path must stay inside the root. Remove the link, or allow its target with --deploy-root"
            }
        }
        return nil
    }

    /// Whether `path` is strictly below `directory` (both absolute and normalised).
    public static func isBelow(_ path: String, _ directory: String) -> Bool {
        directory == "/" ? path != "/" : path.hasPrefix(directory + "/")
    }

    /// An absolute path with `.`, `..` and repeated slashes resolved lexically (`..` at the top
    /// stays at `/`).
    public static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
