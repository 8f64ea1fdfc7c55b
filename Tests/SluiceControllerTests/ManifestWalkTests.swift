import Foundation
import Testing
@testable import SluiceController
#if canImport(Glibc)
import Glibc
#endif

/// The manifest walk (D6, D8) on real files, links and FIFOs.
@Suite struct ManifestWalkTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
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
