import Foundation
import Logging
import Testing
@testable import SluiceServe
#if canImport(Glibc)
import Glibc
#endif

/// The repository scan reads `metadata.json` and `model.json` with a size cap (D13): a huge or
/// sparse file is refused and reported, never allocated.
@Suite struct RepositoryFileLimitTests {
    @Test func aSparseMetadataFileIsRefusedAndTheOtherModelsServe() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/iris")
        try ServeFixtures.publish(ServeFixtures.iris2, name: "huge", version: "v1", in: "\(dir)/huge")
        #expect(truncate("\(dir)/huge/metadata.json", 1 << 40) == 0)
        var logger = Logger(label: "test.repository")
        logger.logLevel = .critical
        let repo = ModelRepository(root: dir, logger: logger)
        repo.scan()
        #expect(repo.model("iris")?.version == "v1")
        let status = try #require(repo.status("huge"))
        #expect(!status.ready)
        #expect(status.reason?.contains("huge/metadata.json is 1 TiB, more than the 4 MiB limit") == true, "\(status.reason ?? "")")
    }
}
