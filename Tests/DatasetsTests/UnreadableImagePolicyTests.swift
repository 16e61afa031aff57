import Foundation
import Imaging
import Testing
@testable import Datasets

@Suite struct UnreadableImagePolicyTests {
    static func manifest(_ folder: DatasetFolder) throws -> DatasetManifest {
        try folder.png("a/1.png", seed: 1, width: 3, height: 2)
        try folder.png("a/2.png", seed: 2, width: 4, height: 2)
        try folder.write("a/3-broken.png", Array(try folder.bytes("a/1.png").prefix(40)))
        try folder.png("b/4.png", seed: 4, width: 5, height: 2)
        return try ImageFolder.scan(folder.url)
    }

    @Test func skipListsEveryUnreadableImage() throws {
        let folder = try DatasetFolder()
        let manifest = try Self.manifest(folder)
        let decoded = try UnreadableImagePolicy.skip.decode([3, 2, 1, 0], of: manifest)
        #expect(decoded.entries == [3, 1, 0])
        #expect(decoded.images.map(\.width) == [5, 4, 3])
        #expect(decoded.skipped.map(\.entry) == [2])
        #expect(decoded.skipped.map(\.path) == ["a/3-broken.png"])
        #expect(decoded.skipped.first?.error.file.hasSuffix("a/3-broken.png") == true)
    }

    @Test func failStopsWithTheImageError() throws {
        let folder = try DatasetFolder()
        let manifest = try Self.manifest(folder)
        let error = #expect(throws: ImageError.self) { try UnreadableImagePolicy.fail.decode([0, 1, 2, 3], of: manifest) }
        #expect(error?.file == folder.url.appendingPathComponent("a/3-broken.png").path)
        #expect(try UnreadableImagePolicy.fail.decode([0, 1, 3], of: manifest).images.count == 3)
    }

    @Test func aFileRemovedAfterTheScanIsSkippedToo() throws {
        let folder = try DatasetFolder()
        let manifest = try Self.manifest(folder)
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("b/4.png"))
        let decoded = try UnreadableImagePolicy.skip.decode([0, 3], of: manifest)
        #expect(decoded.entries == [0])
        #expect(decoded.skipped.map(\.error.kind) == [.unreadable])
    }
}
