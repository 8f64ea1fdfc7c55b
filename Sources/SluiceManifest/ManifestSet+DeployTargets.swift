extension ManifestSet {
    /// The set with every manifest whose deploy target breaks `rules`, or is shared with another
    /// manifest, turned into an error on that model.
    ///
    /// A target is shared when two manifests name the same directory (after resolving it: `deploy/x`,
    /// `./deploy//x` and a link to it are one directory), one directory inside the other's, or the
    /// same URL (scheme and host in any case, default port or not, trailing slash or not). Every
    /// model involved becomes invalid, each error naming the other files, so nothing is
    /// published to a contested target; and since the set then has errors, nothing is retired.
    /// - Complexity: O(n × d) for n manifests whose directory paths are d levels deep.
    public func checkingDeployTargets(_ rules: DeployRules) -> ManifestSet {
        var errors: [ManifestError] = []
        var bad = Set<String>()
        var claims: [String: [Manifest]] = [:]
        var directories: [(location: String, manifest: Manifest)] = []
        for m in manifests {
            switch m.deploy {
            case .directory(let path):
                if let problem = rules.problem(path) {
                    errors.append(ManifestError(file: m.origin.file, position: m.origin.position, path: "spec.deploy.path", message: problem, model: m.name))
                    bad.insert(m.name)
                    continue
                }
                let location = rules.location(path)
                claims["dir:" + location, default: []].append(m)
                directories.append((location, m))
            case .http(let url, _):
                claims["url:" + Self.normaliseURL(url), default: []].append(m)
            case .s3(let url):
                claims["s3:" + Self.normaliseS3(url), default: []].append(m)
            }
        }
        for (_, owners) in claims where owners.count > 1 {
            for m in owners {
                let others = owners.filter { $0.name != m.name }.map { "\"\($0.name)\" (\($0.origin.file))" }
                errors.append(ManifestError(
                    file: m.origin.file, position: m.origin.position, path: Self.field(m.deploy),
                    message: "\(m.deploy.summary) is also the deploy target of \(others.joined(separator: ", ")); models cannot share a target, they would overwrite each other. Give each model its own",
                    model: m.name))
                bad.insert(m.name)
            }
        }
        let byLocation = Dictionary(directories.map { ($0.location, $0.manifest) }, uniquingKeysWith: { a, _ in a })
        for (location, m) in directories {
            var parent = location
            while let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
                parent = String(parent[..<slash])
                guard let outer = byLocation[parent] else { continue }
                for (inner, other) in [(m, outer), (outer, m)] {
                    let relation = inner.name == m.name ? "is inside the deploy directory of" : "holds the deploy directory of"
                    errors.append(ManifestError(
                        file: inner.origin.file, position: inner.origin.position, path: "spec.deploy.path",
                        message: "\(inner.deploy.summary) \(relation) \"\(other.name)\" (\(other.origin.file)); a model's directory cannot hold another model's. Give each model a directory of its own",
                        model: inner.name))
                    bad.insert(inner.name)
                }
            }
        }
        guard !errors.isEmpty else { return self }
        var set = self
        set.errors += errors.sorted { ($0.file, $0.model ?? "") < ($1.file, $1.model ?? "") }
        set.invalidModels.formUnion(bad)
        set.manifests = manifests.filter { !bad.contains($0.name) }
        return set
    }

    static func field(_ deploy: DeploySpec) -> String {
        switch deploy {
        case .directory: "spec.deploy.path"
        case .http, .s3: "spec.deploy.url"
        }
    }

    /// An `s3://BUCKET/PREFIX` URL in one spelling: trailing slashes of the prefix dropped.
    /// (Two models whose prefixes nest do not collide: each owns `<prefix>/model.json`.)
    public static func normaliseS3(_ url: String) -> String {
        var s = Substring(url)
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }

    /// A URL in one spelling: scheme and host lower-cased, the default port dropped, trailing
    /// slashes of the path dropped.
    public static func normaliseURL(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let delimiters: Set<Character> = ["/", "?", "#"]
        let authorityEnd = rest.firstIndex(where: { delimiters.contains($0) }) ?? rest.endIndex
        var authority = rest[..<authorityEnd].lowercased()
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        let defaultPort: String? = scheme == "https" ? ":443" : scheme == "http" ? ":80" : nil
        if let defaultPort, authority.hasSuffix(defaultPort) { authority.removeLast(defaultPort.count) }
        let tail = rest[authorityEnd...]
        let queryStart = tail.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? tail.endIndex
        var path = String(tail[..<queryStart])
        while path.hasSuffix("/") { path.removeLast() }
        return scheme + "://" + authority + path + String(tail[queryStart...])
    }
}
