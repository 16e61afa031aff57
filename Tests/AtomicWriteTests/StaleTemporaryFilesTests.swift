import Foundation
import Testing
import AtomicWrite

/// A write killed mid-way leaves its hidden temporary file; a sweep removes exactly such files and nothing a user
/// or a live writer owns.
@Suite struct StaleTemporaryFilesTests {
    /// What a writer killed during a write to `destination` leaves: its own temporary file, under the name it chose,
    /// no longer held by anyone. Returns that name.
    static func leftover(of destination: URL) throws -> String {
        let folder = destination.deletingLastPathComponent()
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        var writer: AtomicFileWriter? = try AtomicFileWriter(destination: destination)
        try Data("half a checkpoint".utf8).withUnsafeBytes { try writer?.write($0) }
        let name = try #require(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)).subtracting(before).first)
        // A second name keeps the bytes when the dropped writer removes its own; moving it back leaves the file as
        // a kill would: the writer's name, unheld.
        let kept = folder.appendingPathComponent("kept-\(UUID().uuidString)")
        try FileManager.default.linkItem(at: folder.appendingPathComponent(name), to: kept)
        writer = nil
        try FileManager.default.moveItem(at: kept, to: folder.appendingPathComponent(name))
        return name
    }

    static func names(in folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    @Test func aKilledWritersTemporaryFileIsRemovedAndLookalikesStay() throws {
        let dir = try AtomicFileTests.folder()
        let stale = try Self.leftover(of: dir.appendingPathComponent("model.npz"))
        #expect(stale.hasPrefix(".model.npz.") && stale.hasSuffix(".tmp"))
        let uuid = UUID().uuidString
        let lookalikes = [".model.npz.tmp", ".model.npz.backup.tmp", "model.npz.\(uuid).tmp", ".model.npz.\(uuid).tmp.keep",
                          ".\(uuid).tmp", ".model.npz.\(uuid.prefix(35)).tmp", "notes.txt"]
        for name in lookalikes { try Data("mine".utf8).write(to: dir.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".folder.\(UUID().uuidString).tmp"), withIntermediateDirectories: false)
        let link = ".link.\(UUID().uuidString).tmp"
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(link).path, withDestinationPath: "notes.txt")
        let others = try Self.names(in: dir).subtracting([stale])

        #expect(StaleTemporaryFiles.remove(in: dir) == [stale])
        #expect(try Self.names(in: dir) == others)
    }

    @Test func aLiveWritersTemporaryFileIsNeverRemoved() throws {
        let dir = try AtomicFileTests.folder()
        let file = dir.appendingPathComponent("report.html")
        let writer = try AtomicFileWriter(destination: file)
        try Data("<html>".utf8).withUnsafeBytes { try writer.write($0) }
        #expect(StaleTemporaryFiles.remove(in: dir).isEmpty)
        #expect(StaleTemporaryFiles.remove(in: dir, destination: "report.html").isEmpty)
        try writer.commit()
        #expect(try String(contentsOf: file, encoding: .utf8) == "<html>")
        #expect(try Self.names(in: dir) == ["report.html"])
    }

    @Test func aSweepForOneFileLeavesOtherFilesLeftoversAlone() throws {
        let dir = try AtomicFileTests.folder()
        let junit = try Self.leftover(of: dir.appendingPathComponent("junit.xml"))
        let other = try Self.leftover(of: dir.appendingPathComponent("other.xml"))
        let longer = try Self.leftover(of: dir.appendingPathComponent("x.junit.xml"))
        #expect(StaleTemporaryFiles.remove(in: dir, destination: "junit.xml") == [junit])
        #expect(try Self.names(in: dir) == [other, longer])
    }

    @Test func aMissingFolderHasNothingToRemove() throws {
        #expect(StaleTemporaryFiles.remove(in: try AtomicFileTests.folder().appendingPathComponent("absent")).isEmpty)
    }
}
