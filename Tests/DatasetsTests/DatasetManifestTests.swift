import Foundation
import Testing
@testable import Datasets

@Suite struct DatasetManifestTests {
    @Test func canonicalTextIsTheDocumentedFormat() {
        let entries: [DatasetManifest.Entry] = [
            .init(path: "Un\\infected/x\ty.png", className: "Un\\infected", label: 1, group: nil, byteCount: 7,
                  sha256: String(repeating: "cd", count: 32)),
            .init(path: "Parasitized/C1_a.png", className: "Parasitized", label: 0, group: "C1", byteCount: 12,
                  sha256: String(repeating: "ab", count: 32)),
        ]
        let manifest = DatasetManifest(root: "/anywhere", classNames: ["Parasitized", "Un\\infected"], entries: entries)
        #expect(manifest.entries.map(\.path) == ["Parasitized/C1_a.png", "Un\\infected/x\ty.png"])
        let expected = "modelcheck-manifest-v1\nclasses\t2\nParasitized\nUn\\\\infected\nentries\t2\n"
            + "Parasitized/C1_a.png\t0\tC1\t12\t\(String(repeating: "ab", count: 32))\n"
            + "Un\\\\infected/x\\ty.png\t1\t\t7\t\(String(repeating: "cd", count: 32))\n"
        #expect(DatasetManifest.canonicalText(classNames: manifest.classNames, entries: manifest.entries) == expected)
        // Computed outside Swift: hashlib.sha256 of the same text (Python).
        #expect(manifest.fingerprint == "22f326535dd08f5edf6605c1f33e0e15f3a766e106b5b9fceac412c4d9e0f583")
    }

    @Test func fingerprintChangesWithOneByteOfOneImage() throws {
        let folder = try DatasetFolder()
        try folder.copyMalaria(MalariaData.parasitized[0], to: "Parasitized/a.png")
        try folder.copyMalaria(MalariaData.parasitized[1], to: "Parasitized/b.png")
        try folder.png("Uninfected/c.png", seed: 1)
        let before = try ImageFolder.scan(folder.url)

        var bytes = try folder.bytes("Parasitized/b.png")
        bytes[bytes.count / 2] ^= 1
        try folder.write("Parasitized/b.png", bytes)
        let after = try ImageFolder.scan(folder.url)
        #expect(after.fingerprint != before.fingerprint)
        #expect(after.entries[0] == before.entries[0])
        #expect(after.entries[1].sha256 != before.entries[1].sha256)
        #expect(after.entries[1].byteCount == before.entries[1].byteCount)
    }

    @Test func fingerprintChangesWhenAFileIsRenamedOrMovesClass() throws {
        let folder = try DatasetFolder()
        try folder.png("cat/1.png", seed: 1)
        try folder.png("cat/2.png", seed: 2)
        try folder.png("dog/3.png", seed: 3)
        let original = try ImageFolder.scan(folder.url).fingerprint

        try folder.move("cat/2.png", to: "cat/2b.png")
        let renamed = try ImageFolder.scan(folder.url).fingerprint
        try folder.move("cat/2b.png", to: "dog/2b.png")
        let moved = try ImageFolder.scan(folder.url).fingerprint
        try folder.move("dog/2b.png", to: "cat/2.png")
        let restored = try ImageFolder.scan(folder.url).fingerprint

        #expect(Set([original, renamed, moved]).count == 3)
        #expect(restored == original)
    }

    @Test func fingerprintIgnoresLeftOutFilesAndWhereTheFolderLies() throws {
        let a = try DatasetFolder(), b = try DatasetFolder()
        for folder in [a, b] {
            try folder.png("x/1.png", seed: 1)
            try folder.png("y/2.png", seed: 2)
        }
        try b.text("x/notes.txt", "not an image")
        try b.text(".hidden", "")
        let (ma, mb) = (try ImageFolder.scan(a.url), try ImageFolder.scan(b.url))
        #expect(ma.root != mb.root)
        #expect(ma.ignored.isEmpty && mb.ignored.count == 2)
        #expect(ma.fingerprint == mb.fingerprint)
    }

    @Test func saveAndLoadRoundTripAtomically() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.png("b/2.png", seed: 2)
        try folder.text("b/readme.txt", "hello")
        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^[0-9]"))
        let target = folder.url.appendingPathComponent("manifest.json")
        try manifest.save(to: target)
        try manifest.save(to: target)  // replacing an existing file
        #expect(try DatasetManifest.load(from: target) == manifest)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(names.sorted() == ["a", "b", "manifest.json"], "no temporary file left behind")
        let json = try String(contentsOf: target, encoding: .utf8)
        #expect(json.contains("\"fingerprint\" : \"\(manifest.fingerprint)\""))
        #expect(json.contains("\"path\" : \"a/1.png\""))
    }

    @Test func loadRejectsAnEditedManifest() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.png("b/2.png", seed: 2)
        let manifest = try ImageFolder.scan(folder.url)
        let target = folder.url.appendingPathComponent("manifest.json")
        try manifest.save(to: target)
        let edited = try String(contentsOf: target, encoding: .utf8)
            .replacingOccurrences(of: manifest.entries[0].sha256, with: String(repeating: "0", count: 64))
        try edited.write(to: target, atomically: false, encoding: .utf8)
        let error = #expect(throws: DatasetError.self) { try DatasetManifest.load(from: target) }
        #expect(error?.description.hasPrefix(target.path) == true)
        #expect(error?.description.contains("does not match its entries") == true)

        try folder.text("garbage.json", "{ not json")
        let garbage = #expect(throws: DatasetError.self) {
            try DatasetManifest.load(from: folder.url.appendingPathComponent("garbage.json"))
        }
        #expect(garbage?.description.contains("garbage.json") == true)
        #expect(throws: DatasetError.self) { try DatasetManifest.load(from: folder.url.appendingPathComponent("absent.json")) }
    }
}
