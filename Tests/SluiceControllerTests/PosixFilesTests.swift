import Foundation
import Testing
@testable import SluiceController
#if canImport(Glibc)
import Glibc
#endif

/// Capped reads (D13) and the manifest walk (D6, D8) on real files, links and FIFOs.
@Suite struct PosixFilesTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aSparseFileIsRefusedBeforeAnythingIsAllocated() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/huge.json", contents: nil))
        #expect(truncate(dir + "/huge.json", 1 << 40) == 0)
        #expect(throws: FileReadError(kind: .tooLarge(size: 1 << 40, limit: 4 << 20))) {
            try PosixFiles.read(dir + "/huge.json", limit: PosixFiles.manifestLimit)
        }
        #expect("\(FileReadError(kind: .tooLarge(size: 1 << 40, limit: 4 << 20)))".hasPrefix("is 1 TiB, more than the 4 MiB limit"))
    }

    @Test func theLimitIsInclusive() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 65, count: 1024).write(to: URL(fileURLWithPath: dir + "/a"))
        #expect(try PosixFiles.read(dir + "/a", limit: 1024).count == 1024)
        #expect(throws: FileReadError(kind: .tooLarge(size: 1024, limit: 1023))) { try PosixFiles.read(dir + "/a", limit: 1023) }
        #expect(try PosixFiles.read(dir + "/a", limit: 1 << 20) == [UInt8](repeating: 65, count: 1024))
    }

    @Test func aFIFOIsNeverOpenedForReading() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/pipe.json", 0o644) == 0)
        // With no writer, a blocking open would wait forever; the read must refuse at once.
        #expect(throws: FileReadError(kind: .notRegular(kind: "a FIFO (named pipe)"))) {
            try PosixFiles.read(dir + "/pipe.json", limit: PosixFiles.manifestLimit)
        }
        #expect(throws: FileReadError(kind: .notRegular(kind: "a directory"))) { try PosixFiles.read(dir, limit: 10) }
        #expect((try? PosixFiles.read(dir + "/missing", limit: 10)) == nil)
        do { _ = try PosixFiles.read(dir + "/missing", limit: 10) } catch { #expect(error.isMissing) }
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

    @Test func theWalkReportsLoopsLinksAndSpecialFilesAndReadsEachDirectoryOnce() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/team/deep", withIntermediateDirectories: true)
        for f in ["a.json", "team/b.json", "team/deep/c.json", "notes.txt", "d.yaml", "team/e.yml", ".hidden.json"] {
            #expect(fm.createFile(atPath: "\(dir)/\(f)", contents: Data("{}".utf8)))
        }
        try fm.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: dir + "/team/deep/up", withDestinationPath: "../..")
        try fm.createSymbolicLink(atPath: dir + "/again", withDestinationPath: "team")
        try fm.createSymbolicLink(atPath: dir + "/gone.json", withDestinationPath: "nowhere.json")
        try fm.createSymbolicLink(atPath: dir + "/linked.json", withDestinationPath: "a.json")
        #expect(mkfifo(dir + "/pipe.json", 0o644) == 0)
        #expect(mkfifo(dir + "/pipe.txt", 0o644) == 0)

        let walk = ManifestWalk(dir, suffix: ".json", notRead: [".yaml", ".yml"])
        #expect(walk.files == ["a.json", "linked.json", "team/b.json", "team/deep/c.json"])
        #expect(walk.otherFormats == ["d.yaml", "team/e.yml"])
        let problems = Dictionary(walk.problems.map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(problems.keys) == ["again", "gone.json", "loop", "pipe.json", "team/deep/up"], "\(walk.problems)")
        #expect(problems["loop"]?.hasPrefix("is the same directory as the manifests directory itself") == true)
        #expect(problems["team/deep/up"]?.hasPrefix("is the same directory as the manifests directory itself") == true)
        #expect(problems["again"]?.hasPrefix("is the same directory as team") == true)
        #expect(problems["gone.json"] == "is a symbolic link to nowhere.json that cannot be followed: No such file or directory. Restore its target or remove the link")
        #expect(problems["pipe.json"]?.hasPrefix("is a FIFO (named pipe), not a regular file") == true)
    }

    @Test func aMissingDirectoryIsAProblemOfTheWalkItself() {
        let walk = ManifestWalk("/nonexistent/sluice-manifests", suffix: ".json")
        #expect(walk.files.isEmpty)
        #expect(walk.problems == [.init(path: "", message: "cannot read the directory: No such file or directory")])
    }
}
