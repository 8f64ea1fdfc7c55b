import Foundation
import Testing
import SluiceCore
import TestSupport

/// The shipped Kubernetes manifests (controller/kubernetes/): the `sluice.json` of each ConfigMap is
/// a configuration `sluice run` reads and reconciles with (the command line overriding only the
/// repository, the root, the listen address and the store, as a test must), and each pod is given
/// longer than its `--shutdown-timeout` to stop.
struct KubernetesConfigTests {
    /// A Kubernetes manifest of controller/kubernetes/ and the JSON its ConfigMap holds.
    struct Shipped {
        let text: String
        let config: String

        init(_ name: String) throws {
            text = try String(contentsOf: Sandbox.repository.appendingPathComponent("controller/kubernetes/\(name)"), encoding: .utf8)
            // The block scalar under `sluice.json: |`: the lines indented deeper than its key.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let key = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "sluice.json: |" }, "\(name) has no sluice.json")
            let indent = lines[key].prefix { $0 == " " }.count
            let block = lines[(key + 1)...].prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.prefix { $0 == " " }.count > indent }
            config = block.joined(separator: "\n")
        }

        func json() throws -> JSON { try JSONParser.parse(config).value }

        /// The pod's `terminationGracePeriodSeconds`.
        func gracePeriod() throws -> Double {
            let match = try #require(text.firstMatch(of: #/terminationGracePeriodSeconds: ([0-9]+)/#))
            return try #require(Double(match.1))
        }
    }

    func upstream() throws -> Sandbox {
        let up = try Sandbox()
        try up.write("manifests/tree.json", up.manifest(name: "tree"))
        try up.commitAll()
        return up
    }

    /// The pod outlives `--shutdown-timeout` (20 s unless configured), so a stopped controller
    /// finishes its publish, gives its claims back and releases the lease before it is killed.
    @Test(arguments: ["sluice.yaml", "sluice-replicas.yaml"])
    func thePodIsGivenLongerThanTheShutdownTimeout(_ name: String) throws {
        let shipped = try Shipped(name)
        let value = try shipped.json()["shutdown-timeout"]
        let timeout: Double = if let text = value?.stringValue { try DurationText.seconds(text) } else { value?.doubleValue ?? 20 }
        #expect(try shipped.gracePeriod() > timeout + 5, "\(name): terminationGracePeriodSeconds against --shutdown-timeout \(timeout) s")
    }

    @Test func theSingleControllersConfigReconciles() throws {
        let up = try upstream()
        let ctl = try Sandbox(shipped: false)
        let config = try Shipped("sluice.yaml")
        try ctl.write("sluice.json", config.config)
        let c = try ControllerProcess(ctl, ["--config", "sluice.json", "--git", up.root.path, "--root", ctl.root.path,
                                            "--store", "sqlite:.sluice/state.db", "--listen", "off"])
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/tree") != nil }, "\(c.output)")
        #expect(c.output.hasPrefix("{"), "the configuration's JSON logs: \(c.output)")
        #expect(c.signal(SIGTERM, timeout: 30)?.status == 0)
    }

    /// The replicas' configuration runs a replica on a PostgreSQL store that leads and publishes;
    /// the store's URI and password come from the Secret (the URI on the command line as
    /// `$(SLUICE_STORE)`, the password in `PGPASSWORD`), never from the configuration.
    @Test(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
    func theReplicasConfigLeadsAndPublishesOnPostgres() throws {
        let shipped = try Shipped("sluice-replicas.yaml")
        #expect(try shipped.json()["store"] == nil, "the store comes from the Secret")
        #expect(shipped.text.contains(#""--store", "$(SLUICE_STORE)""#))
        #expect(shipped.text.contains("- name: PGPASSWORD\n              valueFrom: { secretKeyRef: { name: sluice-postgres, key: password } }"))
        let secret = try String(contentsOf: Sandbox.repository.appendingPathComponent("controller/kubernetes/sluice-postgres-secret.yaml"), encoding: .utf8)
        #expect(secret.contains("name: sluice-postgres") && secret.contains("password:") && secret.contains("uri:"))

        let uri = try PostgresServer.shared.get().freshDatabase()
        let up = try upstream()
        let ctl = try Sandbox(shipped: false)
        try ctl.write("sluice.json", shipped.config)
        let c = try ControllerProcess(ctl, ["--config", "sluice.json", "--git", up.root.path, "--root", ctl.root.path,
                                            "--store", uri, "--listen", "127.0.0.1:0", "--log-format", "text"])
        let port = try c.port()
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/tree") != nil && ctl.publishedVersion("deploy/iris") != nil }, "\(c.output)")
        #expect(try waitUntil(timeout: 30) { try http("GET", "http://127.0.0.1:\(port)/readyz").body.hasPrefix("ready: leading") }, "\(c.output)")
        #expect(c.output.contains("leading the replicas"), "\(c.output)")
        #expect(c.signal(SIGTERM, timeout: 30)?.status == 0)
    }
}
