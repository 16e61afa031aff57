import Foundation
import Testing
@testable import Datasets

@Suite struct ImageFolderTests {
    @Test func classesAndFilesInByteOrder() throws {
        let folder = try DatasetFolder()
        // Byte order puts upper case before lower case and "x10" before "x2", unlike a
        // locale's collation.
        for (i, path) in ["b/x2.png", "b/x10.png", "b/X1.png", "a/é.png", "a/e.png", "B/z.png", "b/sub/deep.png"].enumerated() {
            try folder.png(path, seed: i)
        }
        let manifest = try ImageFolder.scan(folder.url)
        #expect(manifest.classNames == ["B", "a", "b"])
        #expect(manifest.entries.map(\.path) == ["B/z.png", "a/e.png", "a/é.png", "b/X1.png", "b/sub/deep.png", "b/x10.png", "b/x2.png"])
        #expect(manifest.entries.map(\.label) == [0, 1, 1, 2, 2, 2, 2])
        #expect(manifest.entries.map(\.className) == ["B", "a", "a", "b", "b", "b", "b"])
        #expect(manifest.entries.allSatisfy { $0.group == nil && $0.sha256.count == 64 })
        #expect(manifest.classCounts == [1, 2, 4])
        #expect(manifest.root == folder.url.path)
    }

    @Test func sameDataSameManifestWhateverTheCreationOrder() throws {
        let a = try DatasetFolder(), b = try DatasetFolder()
        let files = (0..<40).map { ("\(["p", "q", "r"][$0 % 3])/img\($0).png", $0) }
        for (path, seed) in files { try a.png(path, seed: seed) }
        for (path, seed) in files.reversed() { try b.png(path, seed: seed) }
        let first = try ImageFolder.scan(a.url)
        #expect(try ImageFolder.scan(a.url) == first)
        let other = try ImageFolder.scan(b.url)
        #expect(other.entries == first.entries)
        #expect(other.fingerprint == first.fingerprint)
    }

    @Test func explicitClassOrder() throws {
        let folder = try DatasetFolder()
        try folder.png("cat/1.png", seed: 1)
        try folder.png("dog/2.png", seed: 2)
        let manifest = try ImageFolder.scan(folder.url, classes: ["dog", "cat"])
        #expect(manifest.classNames == ["dog", "cat"])
        #expect(manifest.entries.map(\.label) == [1, 0])

        let root = folder.url.path
        #expect(throws: DatasetError.missingClassFolder(name: "bird", root: root)) {
            try ImageFolder.scan(folder.url, classes: ["dog", "cat", "bird"])
        }
        #expect(throws: DatasetError.unlistedClassFolder(name: "dog", root: root)) {
            try ImageFolder.scan(folder.url, classes: ["cat"])
        }
        #expect(throws: DatasetError.duplicateClassName("cat")) {
            try ImageFolder.scan(folder.url, classes: ["cat", "dog", "cat"])
        }
    }

    @Test func leftOutFilesAreCountedByReason() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.text("a/.DS_Store", "finder")
        try folder.png("a/.cache/hidden.png", seed: 2)
        try folder.text("a/notes.txt", "not an image")
        try folder.text("a/fake.png", "text with a .png name")
        try folder.write("a/empty.png", [])
        // Content decides, not the extension: a JPEG signature under a .dat name is an image.
        try folder.write("a/photo.dat", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0])
        try folder.text("README.md", "about")
        try folder.png("stray.png", seed: 3)
        try folder.text(".git/config", "")
        try folder.png("b/2.png", seed: 4)
        let root = folder.url.path
        #expect(symlink("\(root)/a/missing.png", "\(root)/a/broken.png") == 0)
        #expect(symlink("\(root)/b", "\(root)/a/linked-folder") == 0)
        #expect(symlink("\(root)/b/2.png", "\(root)/a/linked.png") == 0)
        #expect(mkfifo("\(root)/b/pipe", 0o644) == 0)

        let manifest = try ImageFolder.scan(folder.url)
        #expect(manifest.classNames == ["a", "b"])
        // Named like an image, an empty or text file is one that does not decode, for the policy to judge.
        #expect(manifest.entries.map(\.path) == ["a/1.png", "a/empty.png", "a/fake.png", "a/linked.png", "a/photo.dat", "b/2.png"])
        #expect(manifest.entries[3].sha256 == manifest.entries[5].sha256, "a link to a file is hashed as its target")
        let byReason = Dictionary(uniqueKeysWithValues: manifest.ignoredByReason.map { ($0.reason, $0.paths) })
        #expect(byReason[.hidden] == [".git", "a/.DS_Store", "a/.cache"])
        #expect(byReason[.notAnImage] == ["a/notes.txt"])
        #expect(byReason[.outsideClassFolder] == ["README.md", "stray.png"])
        #expect(byReason[.brokenLink] == ["a/broken.png"])
        #expect(byReason[.linkToFolder] == ["a/linked-folder"])
        #expect(byReason[.notARegularFile] == ["b/pipe"])
        #expect(manifest.ignored.count == 9)
    }

    @Test func classFoldersMayBeLinks() throws {
        let store = try DatasetFolder(), dataset = try DatasetFolder()
        try store.png("cats/1.png", seed: 1)
        try dataset.png("dog/2.png", seed: 2)
        #expect(symlink(store.url.appendingPathComponent("cats").path, dataset.url.appendingPathComponent("cat").path) == 0)
        let manifest = try ImageFolder.scan(dataset.url)
        #expect(manifest.classNames == ["cat", "dog"])
        #expect(manifest.entries.map(\.path) == ["cat/1.png", "dog/2.png"])
    }

    @Test func aCorruptImageIsListedForInspectionToReport() throws {
        let folder = try DatasetFolder()
        try folder.png("a/good.png", seed: 1)
        try folder.write("a/truncated.png", Array(try folder.bytes("a/good.png").prefix(30)))
        let manifest = try ImageFolder.scan(folder.url)
        #expect(manifest.entries.map(\.path) == ["a/good.png", "a/truncated.png"])
    }

    @Test func rootErrors() throws {
        let folder = try DatasetFolder()
        #expect(throws: DatasetError.tooFewClasses(root: folder.url.path, found: [])) { try ImageFolder.scan(folder.url) }
        let absent = folder.url.appendingPathComponent("absent")
        #expect(throws: DatasetError.notAFolder(path: absent.path)) { try ImageFolder.scan(absent) }
        try folder.text("file", "x")
        #expect(throws: DatasetError.notAFolder(path: folder.url.path + "/file")) {
            try ImageFolder.scan(folder.url.appendingPathComponent("file"))
        }
    }

    @Test func realImagesHashAsSha256sumDoes() throws {
        let folder = try DatasetFolder()
        for path in MalariaData.parasitized { try folder.copyMalaria(path, to: path) }
        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern(MalariaData.patient))
        let sums = try String(contentsOf: MalariaData.root().appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let expected = Dictionary(uniqueKeysWithValues: sums.split(separator: "\n").map {
            (String($0.dropFirst(66)), String($0.prefix(64)))
        })
        #expect(manifest.entries.map(\.path) == MalariaData.parasitized)
        for entry in manifest.entries { #expect(entry.sha256 == expected[entry.path]) }
        #expect(manifest.entries.map(\.group) == ["C100", "C100", "C101"])
        let sizes = try MalariaData.parasitized.map {
            try FileManager.default.attributesOfItem(atPath: MalariaData.root().appendingPathComponent($0).path)[.size] as? Int
        }
        #expect(manifest.entries.map(\.byteCount) == sizes)
    }
}
