import Testing
@testable import SluiceSystem

/// The directory a file is staged in, for every shape of path — a one-character name included,
/// on which Foundation's `deletingLastPathComponent` traps (`sluice export -o x` crashed).
@Suite struct AtomicFileParentTests {
    @Test(arguments: [("x", "."), ("model.onnx", "."), ("d/x", "d"), ("a/b/c.json", "a/b"), ("/x", "/"), ("/srv/m/model.json", "/srv/m"),
                      ("a//b", "a"), ("./x", ".")])
    func parentOfAPath(path: String, parent: String) {
        #expect(AtomicFile.parent(of: path) == parent)
    }
}
