import Foundation
import Testing
@testable import SluiceSystem
#if canImport(Glibc)
import Glibc
#endif

/// Capped reads (D13) on real files and FIFOs.
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
}
