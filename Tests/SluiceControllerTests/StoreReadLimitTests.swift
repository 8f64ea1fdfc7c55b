import Foundation
import Testing
@testable import SluiceController
#if canImport(Glibc)
import Glibc
#endif

/// Capped reads (D13) of the store's own files: artifacts and version-cache records.
@Suite struct StoreReadLimitTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aSparseArtifactOrCacheRecordIsRefusedNotAllocated() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let digest = String(repeating: "ab", count: 32)
        let artifacts = ArtifactDirectory(path: dir + "/artifacts")
        try FileManager.default.createDirectory(atPath: (artifacts.file(digest) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: artifacts.file(digest), contents: nil))
        #expect(truncate(artifacts.file(digest), 1 << 40) == 0)
        #expect { try artifacts.get(digest) } throws: { "\($0)".contains("is 1 TiB, more than the 1 GiB limit") }

        let cache = VersionCache(path: dir)
        try FileManager.default.createDirectory(atPath: dir + "/versions", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: cache.recordFile("v1"), contents: nil))
        #expect(truncate(cache.recordFile("v1"), 1 << 40) == 0)
        #expect(cache.get("v1") == nil, "a record that cannot be read is a miss: the version is trained")
    }
}
