import Testing
import SluiceLearn
import SluiceManifest

/// Where models may be published (D14) and which targets two manifests share (D9), as pure
/// functions of a layout; links are a table instead of a file system.
@Suite struct DeployRulesTests {
    static let links = ["/repo/out": "/etc", "/repo/mirror": "/repo/manifests", "/repo/shared": "/srv/models"]

    /// Follows the table's links in a path's prefix, as `realpath` would.
    @Sendable static func resolve(_ path: String) -> String {
        for (link, target) in links where path == link || path.hasPrefix(link + "/") {
            return target + path.dropFirst(link.count)
        }
        return path
    }

    static let rules = DeployRules(
        root: "/repo", protected: [.init(path: "/repo/manifests", name: "the manifests directory"), .init(path: "/repo/.sluice", name: "the store's directory")],
        allowedRoots: [], resolve: resolve)
    static let withRoots = DeployRules(root: "/repo", protected: rules.protected, allowedRoots: ["/srv/models", "/data/"], resolve: resolve)

    static let cases: [(rules: DeployRules, path: String, problem: String?)] = [
        (rules, "deploy/iris", nil),
        (rules, "./deploy//iris/", nil),
        (rules, "a/../deploy/iris", nil),
        (rules, "", "the path is empty"),
        (rules, ".", "\".\" is the root itself"),
        (rules, "deploy/..", "\"deploy/..\" is the root itself"),
        (rules, "..", "\"..\" leaves the root /repo through \"..\""),
        (rules, "deploy/../../x", "leaves the root /repo"),
        (rules, "a/../../repo/deploy", "leaves the root /repo"),
        (rules, "/repo/deploy/iris", "is an absolute path, and absolute deploy paths are allowed only below a directory the operator names with --deploy-root"),
        (rules, "/etc/cron.d", "is an absolute path"),
        (rules, "manifests", "\"manifests\" is inside the manifests directory (/repo/manifests)"),
        (rules, "manifests/pub", "is inside the manifests directory"),
        (rules, ".sluice", "is inside the store's directory (/repo/.sluice)"),
        (rules, ".sluice/git/x", "is inside the store's directory"),
        (rules, "deploy/ok\u{0}/../../x", "contains the control character U+0000"),
        (rules, "deploy/a\nb", "contains the control character U+000A"),
        (rules, "deploy/a\u{7F}", "contains the control character U+007F"),
        (rules, "out/x", "\"out/x\" (through a symbolic link, it is /etc/x) outside the root /repo"),
        (rules, "mirror/x", "\"mirror/x\" is inside the manifests directory (/repo/manifests) (through a symbolic link, it is /repo/manifests/x)"),
        (rules, "shared/iris", "outside the root /repo"),
        (withRoots, "shared/iris", nil),
        (withRoots, "/srv/models/iris", nil),
        (withRoots, "/data/x/y", nil),
        (withRoots, "/srv/models", "is not below any --deploy-root (/srv/models, /data)"),
        (withRoots, "/srv/models/../other", "is not below any --deploy-root"),
        (withRoots, "/srv/modelsX/a", "is not below any --deploy-root"),
        (withRoots, "/repo/manifests/x", "is inside the manifests directory"),
        (withRoots, "deploy/iris", nil),
    ]

    @Test(arguments: cases.indices)
    func path(_ i: Int) {
        let c = Self.cases[i]
        let problem = c.rules.problem(c.path)
        if let expected = c.problem {
            #expect(problem?.contains(expected) == true, "\(c.path): \(problem ?? "accepted")")
        } else {
            #expect(problem == nil, "\(c.path)")
        }
    }

    @Test func locationsOfOneDirectoryAreEqual() {
        let r = Self.withRoots
        #expect(r.location("deploy/iris") == "/repo/deploy/iris")
        #expect(r.location("./deploy//iris/") == "/repo/deploy/iris")
        #expect(r.location("/repo/deploy/iris") == "/repo/deploy/iris")
        #expect(r.location("shared/iris") == r.location("/srv/models/iris"))
    }

    static func manifest(_ name: String, _ deploy: DeploySpec, file: String? = nil) -> Manifest {
        Manifest(name: name, labels: [:], task: .classification,
                 dataset: DatasetSpec(source: "d.csv", target: "y", features: nil, split: SplitSpec(), test: nil, sha256: nil, testSha256: nil),
                 algorithm: "decision_tree", params: [:], gate: [], deploy: deploy, suspend: false, retired: false,
                 origin: .init(file: file ?? "manifests/\(name).json", position: .init(line: 1, column: 1)))
    }

    @Test func sharedTargetsMakeEveryModelInvolvedInvalid() {
        let set = ManifestSet(manifests: [
            Self.manifest("a", .directory(path: "deploy/x")),
            Self.manifest("b", .directory(path: "./deploy//x/")),
            Self.manifest("c", .directory(path: "shared/m")),
            Self.manifest("d", .directory(path: "/srv/models/m")),
            Self.manifest("e", .http(url: "https://Models.example:443/v2/repository/models/e", tokenEnv: nil)),
            Self.manifest("f", .http(url: "https://models.example/v2/repository/models/e/", tokenEnv: "T")),
            Self.manifest("g", .http(url: "https://models.example/v2/repository/models/g", tokenEnv: nil)),
            Self.manifest("h", .directory(path: "deploy/h")),
            Self.manifest("i", .directory(path: "deploy/h/inner")),
            Self.manifest("ok", .directory(path: "deploy/ok")),
            Self.manifest("bad", .directory(path: "../escape")),
        ]).checkingDeployTargets(Self.withRoots)
        #expect(set.manifests.map(\.name) == ["g", "ok"])
        #expect(set.invalidModels == ["a", "b", "c", "d", "e", "f", "h", "i", "bad"])
        #expect(!set.loadedCleanly, "nothing is retired while targets are contested")
        let messages = set.errors.map(\.description)
        #expect(messages.contains("manifests/a.json:1:1: spec.deploy.path: directory deploy/x is also the deploy target of \"b\" (manifests/b.json); models cannot share a target, they would overwrite each other. Give each model its own"))
        #expect(messages.contains { $0.hasPrefix("manifests/b.json:1:1: spec.deploy.path: directory ./deploy//x/ is also the deploy target of \"a\" (manifests/a.json)") })
        #expect(messages.contains { $0.hasPrefix("manifests/d.json:1:1: spec.deploy.path: directory /srv/models/m is also the deploy target of \"c\"") })
        #expect(messages.contains { $0.hasPrefix("manifests/f.json:1:1: spec.deploy.url: http https://models.example/v2/repository/models/e/ is also the deploy target of \"e\"") })
        #expect(messages.contains { $0.hasPrefix("manifests/i.json:1:1: spec.deploy.path: directory deploy/h/inner is inside the deploy directory of \"h\"") })
        #expect(messages.contains { $0.hasPrefix("manifests/h.json:1:1: spec.deploy.path: directory deploy/h holds the deploy directory of \"i\"") })
        #expect(messages.contains { $0.hasPrefix("manifests/bad.json:1:1: spec.deploy.path: \"../escape\" leaves the root") })
    }

    @Test func distinctTargetsChangeNothing() {
        let set = ManifestSet(manifests: [Self.manifest("a", .directory(path: "deploy/a")), Self.manifest("ab", .directory(path: "deploy/ab"))])
        let checked = set.checkingDeployTargets(Self.rules)
        #expect(checked.manifests.map(\.name) == ["a", "ab"])
        #expect(checked.errors.isEmpty)
    }
}
