import Foundation
import Testing
import AtomicWrite

/// The one atomic writer: replace and create-if-absent, no temp file left behind either way.
@Suite struct AtomicFileTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func replaceOverwritesAndLeavesNoTemporaryFile() throws {
        let dir = try Self.folder()
        let file = dir.appendingPathComponent("a.txt")
        try AtomicFile.replace(file, with: Data("first, longer".utf8))
        try AtomicFile.replace(file, with: Data("second".utf8))
        #expect(try String(contentsOf: file, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.txt"])
    }

    @Test func createWritesOnlyWhereNothingIsYet() throws {
        let dir = try Self.folder()
        let file = dir.appendingPathComponent("c.json")
        #expect(try AtomicFile.create(file, with: Data("one".utf8)))
        #expect(try !AtomicFile.create(file, with: Data("two".utf8)))
        #expect(try String(contentsOf: file, encoding: .utf8) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["c.json"])
    }

    @Test func aMissingFolderIsAnErrorNamingTheFile() throws {
        let file = try Self.folder().appendingPathComponent("no/such/folder/x.txt")
        #expect { try AtomicFile.create(file, with: Data("x".utf8)) } throws: { error in
            (error as? FileWriteError)?.file == file.path
        }
        #expect { try AtomicFile.replace(file, with: Data("x".utf8)) } throws: { error in
            (error as? FileWriteError)?.file == file.path
        }
    }
}
