import Foundation
import Testing
import SluiceSystem

/// ``PosixFiles/join(_:_:)``: the one "absolute, or relative to a base" rule every option and
/// field that names a path goes through.
@Suite struct PathResolutionTests {
    @Test(arguments: [
        ("/srv/repo", "manifests", "/srv/repo/manifests"),
        ("/srv/repo", "/etc/sluice/manifests", "/etc/sluice/manifests"),
        ("/srv/repo", "./team/../manifests/", "/srv/repo/manifests"),
        ("/srv/repo", "../store/state.db", "/srv/store/state.db"),
        ("/srv/repo", "//tmp//x/.", "/tmp/x"),
        ("/srv/repo/", "", "/srv/repo"),
        ("/", "../..", "/"),
    ])
    func aPathIsAbsoluteOrRelativeToTheBaseAndNormalised(base: String, path: String, expected: String) {
        #expect(PosixFiles.join(base, path) == expected)
    }

    /// A typed path keeps `..` for the kernel: after a symbolic link it is the parent of the
    /// link's target (a root at /srv/app/current → releases/7 with `--store sqlite:../shared/s.db`
    /// opens releases/shared/s.db, as it always did and as a shell would), where `join` would not.
    @Test func aTypedPathLeavesDotDotToTheKernelAfterASymbolicLink() throws {
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-paths-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: top) }
        try FileManager.default.createDirectory(atPath: top + "/releases/7", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: top + "/releases/shared", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: top + "/current", withDestinationPath: top + "/releases/7")
        try Data("store".utf8).write(to: URL(fileURLWithPath: top + "/releases/shared/s.db"))
        let typed = PosixFiles.userPath("../shared/s.db", relativeTo: top + "/current")
        #expect(typed == top + "/current/../shared/s.db")
        #expect(FileManager.default.contents(atPath: typed) == Data("store".utf8))
        #expect(PosixFiles.join(top + "/current", "../shared/s.db") == top + "/shared/s.db", "join is lexical: another file")
        #expect(PosixFiles.userPath("/abs/s.db", relativeTo: top) == "/abs/s.db")
    }

    @Test func aTypedPathExpandsTheHomeDirectory() throws {
        let home = try #require(ProcessInfo.processInfo.environment["HOME"])
        #expect(PosixFiles.userPath("~/models", relativeTo: "/srv") == home + "/models")
        #expect(PosixFiles.userPath("~", relativeTo: "/srv") == home)
        #expect(PosixFiles.userPath("~other/x", relativeTo: "/srv") == "/srv/~other/x", "only the user's own home")
        #expect(PosixFiles.expandingTilde("a/~/b") == "a/~/b")
    }

    @Test func theCurrentDirectoryIsAbsolute() {
        let cwd = PosixFiles.currentDirectory
        #expect(cwd.hasPrefix("/"))
        #expect(PosixFiles.join(cwd, "x") == PosixFiles.join(cwd, "./x"))
    }
}
