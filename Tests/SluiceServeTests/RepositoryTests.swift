import Foundation
import Logging
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// The repository's view of its directory: loading, replacing, retiring, refusing bad files,
/// and the background watch.
@Suite struct RepositoryTests {
    static func repository(_ directory: String) -> ModelRepository {
        var logger = Logger(label: "test.repository")
        logger.logLevel = .critical
        return ModelRepository(root: directory, logger: logger)
    }

    @Test func loadsReplacesAndRetiresWithTheFiles() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = Self.repository(dir)
        repo.scan()
        #expect(repo.models.isEmpty)

        let d1 = try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/a/b/iris")
        repo.scan()
        let first = try #require(repo.model("iris"))
        #expect(first.version == "v1")
        #expect(first.digest == d1)
        #expect(first.path == "a/b/iris")

        // An unchanged directory is not reloaded: the same instance keeps serving.
        repo.scan()
        #expect(repo.model("iris") === first)

        let d2 = try ServeFixtures.publish(ServeFixtures.iris2, name: "iris", version: "v2", in: "\(dir)/a/b/iris")
        repo.scan()
        let second = try #require(repo.model("iris"))
        #expect(second.version == "v2" && second.digest == d2)
        // A request holding the old instance still predicts with it.
        let row = IrisRows.rows[2]
        #expect(first.artifact.predict(encodedRow: row) == ServeFixtures.iris.predict(encodedRow: row))

        try FileManager.default.removeItem(atPath: "\(dir)/a/b/iris/metadata.json")
        try FileManager.default.removeItem(atPath: "\(dir)/a/b/iris/model.json")
        repo.scan()
        #expect(repo.model("iris") == nil)
        #expect(repo.status("iris") == nil)
    }

    @Test func aDigestMismatchKeepsThePreviousVersionAndSaysWhy() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = Self.repository(dir)
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/iris")
        repo.scan()
        // A new model.json whose metadata was not updated (a tampered or half-published directory).
        try ServeFixtures.iris2.encoded().write(to: "\(dir)/iris/model.json")
        repo.scan()
        let status = try #require(repo.status("iris"))
        #expect(status.version == "v1", "the previous version keeps serving")
        #expect(status.ready)
        #expect(status.reason?.contains("metadata.json records") == true, "\(status.reason ?? "")")
        // Fixing the metadata loads the new version and clears the reason.
        try ServeFixtures.publish(ServeFixtures.iris2, name: "iris", version: "v2", in: "\(dir)/iris")
        repo.scan()
        #expect(repo.status("iris")?.version == "v2")
        #expect(repo.status("iris")?.reason == nil)
    }

    @Test func halfWrittenAndUndecodableFilesAreNeverServed() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = Self.repository(dir)
        let bytes = ServeFixtures.iris.encoded()
        let digest = SHA256.hex(of: bytes)
        try FileManager.default.createDirectory(atPath: "\(dir)/iris", withIntermediateDirectories: true)
        // Metadata for the whole file, but only half of it written so far.
        try ServeFixtures.metadata(name: "iris", version: "v1", digest: digest, bytes: bytes.count).write(to: "\(dir)/iris/metadata.json")
        try Array(bytes.prefix(bytes.count / 2)).write(to: "\(dir)/iris/model.json")
        repo.scan()
        #expect(repo.model("iris") == nil)
        #expect(repo.status("iris")?.ready == false)
        // The rest arrives.
        try bytes.write(to: "\(dir)/iris/model.json")
        repo.scan()
        #expect(repo.model("iris")?.digest == digest)

        // JSON that hashes right but is not an artifact.
        let junk = Array("{\"format\":\"sluice.model\",\"formatVersion\":999}".utf8)
        try FileManager.default.createDirectory(atPath: "\(dir)/junk", withIntermediateDirectories: true)
        try junk.write(to: "\(dir)/junk/model.json")
        try ServeFixtures.metadata(name: "junk", version: "v1", digest: SHA256.hex(of: junk), bytes: junk.count).write(to: "\(dir)/junk/metadata.json")
        repo.scan()
        #expect(repo.model("junk") == nil)
        #expect(repo.status("junk")?.reason?.contains("cannot be loaded") == true)
    }

    @Test func twoDirectoriesClaimingOneNameServeTheFirst() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = Self.repository(dir)
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/one")
        try ServeFixtures.publish(ServeFixtures.iris2, name: "iris", version: "v2", in: "\(dir)/two")
        repo.scan()
        #expect(repo.model("iris")?.path == "one")
        // The first one goes away: the other takes over.
        try FileManager.default.removeItem(atPath: "\(dir)/one")
        repo.scan()
        #expect(repo.model("iris")?.path == "two")
        #expect(repo.model("iris")?.version == "v2")
    }

    @Test func theWatchPicksUpChangesWithinASecond() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = Self.repository(dir)
        repo.start(pollInterval: 5)  // long enough that only the file watch can be this quick
        defer { repo.stop() }

        func within(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition() { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return condition()
        }
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/new/iris")
        #expect(try await within(1) { repo.model("iris")?.version == "v1" }, "published")
        try ServeFixtures.publish(ServeFixtures.iris2, name: "iris", version: "v2", in: "\(dir)/new/iris")
        #expect(try await within(1) { repo.model("iris")?.version == "v2" }, "replaced")
        try FileManager.default.removeItem(atPath: "\(dir)/new/iris")
        #expect(try await within(1) { repo.model("iris") == nil }, "retired")
    }
}
