import Foundation
import Imaging
import Testing
@testable import Datasets

/// Image files the scan sees but the data set cannot use: each is used or listed with its reason, never dropped,
/// and the fingerprint covers the list.
@Suite struct UnusableImageFileTests {
    /// Creates `folder/relative` (a path given as bytes, which need not be UTF-8) holding `bytes`, or a folder.
    static func create(_ folder: DatasetFolder, _ relative: [UInt8], bytes: [UInt8]? = nil) throws {
        let path = Array(folder.url.path.utf8) + [UInt8(ascii: "/")] + relative + [0]
        try path.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { name in
                guard let bytes else { return try #require(mkdir(name.baseAddress!, 0o755) == 0) }
                let fd = open(name.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(fd >= 0)
                defer { close(fd) }
                #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
            }
        }
    }

    @Test func aNameThatIsNotUTF8IsShownWithItsBytes() {
        #expect(FileName(Array("cell.png".utf8)).shown == "cell.png")
        // FF is never UTF-8; C3 A9 is é; a lone C3 at the end is a truncated sequence.
        #expect(FileName([0x63, 0xFF, 0xC3, 0xA9, 0x2E, 0xC3]).shown == "c\\xFFé.\\xC3")
        #expect(FileName([0x63, 0xFF]).text == nil && FileName([0xC3, 0xA9]).text == "é")
    }

    @Test func aFileOrFolderNamedOutsideUTF8IsSkippedAndListedNotVanished() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.png("b/2.png", seed: 2)
        let png = try folder.bytes("a/1.png")
        try Self.create(folder, Array("a/cell".utf8) + [0xFF] + Array(".png".utf8), bytes: png)
        try Self.create(folder, Array("b/patient".utf8) + [0xE9])
        try Self.create(folder, Array("b/patient".utf8) + [0xE9] + Array("/3.png".utf8), bytes: png)
        try Self.create(folder, Array("a/.x".utf8) + [0xFF], bytes: [])
        // Without an image's name, the content decides, as for any file.
        try Self.create(folder, Array("b/scan".utf8) + [0xFF], bytes: png)
        try Self.create(folder, Array("b/notes".utf8) + [0xFF] + Array(".txt".utf8), bytes: Array("text".utf8))

        let manifest = try ImageFolder.scan(folder.url)
        #expect(manifest.entries.map(\.path) == ["a/1.png", "b/2.png"])
        #expect(manifest.skipped.map(\.path) == ["a/cell\\xFF.png", "b/patient\\xE9", "b/scan\\xFF"])
        #expect(manifest.skipped.allSatisfy { $0.cause == .nameNotUTF8 })
        let why = " is not valid UTF-8 (bytes that are not UTF-8 are shown as \\xHH); rename it"
        #expect(manifest.skipped.map(\.reason) == ["file name" + why, "folder name" + why + "; its images were not scanned", "file name" + why])
        #expect(manifest.ignored == [.init(path: "a/.x\\xFF", reason: .hidden), .init(path: "b/notes\\xFF.txt", reason: .notAnImage)])
        #expect(DatasetInspection(manifest).lines.contains("    a/cell\\xFF.png: " + manifest.skipped[0].reason))

        let error = #expect(throws: ImageError.self) { try UnreadableImagePolicy.fail.screen(manifest) }
        #expect(error?.description == folder.url.path + "/a/cell\\xFF.png: " + manifest.skipped[0].reason
            + "; set unreadable: skip to leave it out")
        let screened = try UnreadableImagePolicy.skip.screen(manifest).manifest
        #expect(screened == manifest)
    }

    @Test func aClassFolderNamedOutsideUTF8IsAnErrorNamingIt() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try Self.create(folder, [0x62, 0xFF])
        let error = #expect(throws: DatasetError.self) { try ImageFolder.scan(folder.url) }
        #expect(error?.description == folder.url.path
            + "/b\\xFF: class folder name is not valid UTF-8 (bytes that are not UTF-8 are shown as \\xHH); rename it")
    }

    @Test func anEmptyOrFakePNGIsAnImageThePolicyStopsAtOrSkips() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.png("b/2.png", seed: 2)
        let clean = try UnreadableImagePolicy.skip.screen(try ImageFolder.scan(folder.url)).manifest
        try folder.write("a/empty.png", [])
        try folder.text("b/fake.JPG", "text named like a photo")
        try folder.text("b/notes.txt", "not an image, and not named like one")

        let manifest = try ImageFolder.scan(folder.url)
        #expect(manifest.entries.map(\.path) == ["a/1.png", "a/empty.png", "b/2.png", "b/fake.JPG"])
        #expect(manifest.ignored == [.init(path: "b/notes.txt", reason: .notAnImage)])
        let error = #expect(throws: ImageError.self) { try UnreadableImagePolicy.fail.screen(manifest) }
        #expect(error?.description == folder.url.path + "/a/empty.png: empty file")

        let (screened, areas) = try UnreadableImagePolicy.skip.screen(manifest)
        #expect(screened.entries == clean.entries && areas == [30, 30])
        #expect(screened.skipped == [
            .init(path: "a/empty.png", cause: .notAnImage, reason: "empty file"),
            .init(path: "b/fake.JPG", cause: .notAnImage, reason: "not a PNG or JPEG file (starts with 74 65 78 74 20 6E 61 6D)"),
        ])
        #expect(screened.fingerprint != clean.fingerprint)
        #expect(clean.skipped.isEmpty)
    }

    @Test func theFingerprintCoversTheSkippedPathsAndCauses() {
        let entry = DatasetManifest.Entry(path: "a/1.png", className: "a", label: 0, group: nil, byteCount: 3,
                                          sha256: String(repeating: "ab", count: 32))
        let plain = DatasetManifest(root: "/r", classNames: ["a"], entries: [entry])
        let skipped = [DatasetManifest.SkippedImage(path: "a/z\tq.png", cause: .corrupt, reason: "libpng: CRC error"),
                       .init(path: "a/e.png", cause: .notAnImage, reason: "empty file")]
        let with = DatasetManifest(root: "/r", classNames: ["a"], entries: [entry], skipped: skipped)
        #expect(with.skipped.map(\.path) == ["a/e.png", "a/z\tq.png"])
        #expect(DatasetManifest.canonicalText(classNames: ["a"], entries: [entry], skipped: with.skipped)
            == DatasetManifest.canonicalText(classNames: ["a"], entries: [entry])
            + "skipped\t2\na/e.png\tnotAnImage\na/z\\tq.png\tcorrupt\n")
        #expect(with.fingerprint != plain.fingerprint)
        // The decoder's words are for people: another libpng wording leaves the fingerprint as it is.
        let reworded = DatasetManifest(root: "/r", classNames: ["a"], entries: [entry],
                                       skipped: skipped.map { .init(path: $0.path, cause: $0.cause, reason: "other words") })
        #expect(reworded.fingerprint == with.fingerprint)
        let otherCause = DatasetManifest(root: "/r", classNames: ["a"], entries: [entry],
                                         skipped: skipped.map { .init(path: $0.path, cause: .unreadable, reason: $0.reason) })
        #expect(otherCause.fingerprint != with.fingerprint)
    }

    @Test func aSavedManifestKeepsItsSkippedImagesAndAnOlderOneHasNone() throws {
        let folder = try DatasetFolder()
        try folder.png("a/1.png", seed: 1)
        try folder.write("a/empty.png", [])
        let manifest = try UnreadableImagePolicy.skip.screen(try ImageFolder.scan(folder.url)).manifest
        let target = folder.url.appendingPathComponent("manifest.json")
        try manifest.save(to: target)
        #expect(try DatasetManifest.load(from: target) == manifest)

        let clean = DatasetManifest(root: "/r", classNames: manifest.classNames, entries: manifest.entries)
        try clean.save(to: target)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: target)) as? [String: Any])
        object["skipped"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: target)
        #expect(try DatasetManifest.load(from: target) == clean)
    }
}
