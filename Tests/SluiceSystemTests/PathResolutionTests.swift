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

    @Test func theCurrentDirectoryIsAbsolute() {
        let cwd = PosixFiles.currentDirectory
        #expect(cwd.hasPrefix("/"))
        #expect(PosixFiles.join(cwd, "x") == PosixFiles.join(cwd, "./x"))
    }
}
