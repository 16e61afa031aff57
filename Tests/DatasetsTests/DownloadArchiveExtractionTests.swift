import FileFormats
import Foundation
import Testing
@testable import Datasets

@Suite struct DownloadArchiveExtractionTests {
    typealias Member = DownloadFixtures.ZipMember

    let png = DownloadFixtures.bytes(count: 5000, seed: 3)
    let text = Array(String(repeating: "malaria cell ", count: 2000).utf8)

    /// The archive lives outside the destination, so "nothing left behind" means an empty destination. Tests keep
    /// using `scratch` to the end: it deletes the folder when released.
    private func zip(_ members: [Member]) throws -> (scratch: DownloadScratch, archive: URL, destination: URL) {
        let scratch = try DownloadScratch()
        let archive = scratch.url.appending(path: "archive.zip")
        try DownloadFixtures.makeZip(at: archive, members)
        let destination = scratch.url.appending(path: "out")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        return (scratch, archive, destination)
    }

    @Test func extractsStoredAndDeflatedMembersIntoPlace() throws {
        let (scratch, archive, destination) = try zip([
            Member(name: "cell_images/"),
            Member(name: "cell_images/Parasitized/a.png", data: png),
            Member(name: "cell_images/Uninfected/b.txt", data: text, deflate: true),
            Member(name: "cell_images/Uninfected/empty.txt"),
            Member(name: "./README", data: Array("hello".utf8), deflate: true),
        ])
        let log = DownloadReportLog<ExtractionProgress>()
        let summary = try ArchiveExtraction.extractZip(archive, into: destination, progress: log.record)

        #expect(summary.topLevelItems == ["cell_images", "README"])
        #expect(summary.fileCount == 4 && summary.byteCount == png.count + text.count + 5)
        #expect(try scratch.bytes("out/cell_images/Parasitized/a.png") == png)
        #expect(try scratch.bytes("out/cell_images/Uninfected/b.txt") == text)
        #expect(try scratch.bytes("out/cell_images/Uninfected/empty.txt") == [])
        #expect(try scratch.bytes("out/README") == Array("hello".utf8))
        #expect(try scratch.listing("out") == ["README", "cell_images"])  // no staging folder left over
        #expect(log.reports.last == ExtractionProgress(filesDone: 4, fileCount: 4, bytesDone: summary.byteCount,
                                                       byteCount: summary.byteCount))
    }

    @Test func aCorruptMemberFailsTheCRCAndLeavesNothing() throws {
        let victim = DownloadFixtures.bytes(count: 4000, seed: 11)
        let (scratch, archive, destination) = try zip([
            Member(name: "data/first.bin", data: png),
            Member(name: "data/second.bin", data: victim),
        ])
        var bytes = Array(try Data(contentsOf: archive))
        let start = try #require(bytes.firstRange(of: victim.prefix(64))).lowerBound
        bytes[start + 2000] ^= 0xFF
        try Data(bytes).write(to: archive)

        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .crcMismatch)
        #expect(error?.member == "data/second.bin")
        #expect(error?.description.contains(archive.path(percentEncoded: false)) == true)
        #expect(error?.description.contains("CRC") == true)
        #expect(try scratch.listing("out") == [])
    }

    @Test func aCorruptDeflateStreamLeavesNothing() throws {
        let (scratch, archive, destination) = try zip([Member(name: "a.txt", data: text, deflate: true)])
        var bytes = Array(try Data(contentsOf: archive))
        // The deflate data starts after the 30-byte local header and the 5-byte name.
        for offset in 40..<60 { bytes[offset] ^= 0x5A }
        try Data(bytes).write(to: archive)
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .corruptArchive || error?.kind == .crcMismatch)
        #expect(try scratch.listing("out") == [])
    }

    @Test(arguments: ["../evil", "/abs", "a/../../b", "a/../b", "..", "C:/windows", "a\\..\\b", "./../x"])
    func zipSlipNamesAreRefused(name: String) throws {
        let (scratch, archive, destination) = try zip([Member(name: "good.txt", data: png), Member(name: name, data: png)])
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .unsafeName)
        #expect(error?.member == name)
        #expect(try scratch.listing("out") == [])
        #expect(try scratch.listing() == ["archive.zip", "out"])
    }

    @Test func symbolicLinksAreRefused() throws {
        let (scratch, archive, destination) = try zip([Member(name: "link", data: Array("/etc/passwd".utf8), symlink: true)])
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .symbolicLink)
        #expect(try scratch.listing("out") == [])
    }

    @Test(arguments: [["a/b.txt", "a/b.txt"], ["a/b.txt", "a//./b.txt"], ["a", "a/b.txt"], ["a/b.txt", "a"], ["a", "a/"]])
    func duplicateAndConflictingNamesAreRefused(names: [String]) throws {
        let (scratch, archive, destination) = try zip(names.map { Member(name: $0, data: $0.hasSuffix("/") ? [] : png) })
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .duplicateName)
        #expect(try scratch.listing("out") == [])
    }

    @Test func aMemberDeclaringAnEnormousSizeIsRefused() throws {
        let (scratch, archive, destination) = try zip([Member(name: "small.bin", data: png)])
        try DownloadFixtures.patchDeclaredSize(in: archive, member: "small.bin", to: 0xFFFF_FFF0)
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .memberTooLarge)
        #expect(error?.description.contains("\(0xFFFF_FFF0)") == true)
        #expect(try scratch.listing("out") == [])
    }

    @Test func aCompressionBombIsRefused() throws {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let (scratch, archive, destination) = try zip([Member(name: "bomb.bin", data: zeros, deflate: true)])
        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .compressionRatio)
        #expect(try scratch.listing("out") == [])
    }

    @Test func totalAndCountLimitsApply() throws {
        let (scratch, archive, destination) = try zip([Member(name: "a", data: png), Member(name: "b", data: png)])
        let total = #expect(throws: ExtractionError.self) {
            try ArchiveExtraction.extractZip(archive, into: destination, limits: ExtractionLimits(maxTotalSize: png.count + 1))
        }
        #expect(total?.kind == .archiveTooLarge && total?.member == "b")
        let count = #expect(throws: ExtractionError.self) {
            try ArchiveExtraction.extractZip(archive, into: destination, limits: ExtractionLimits(maxMemberCount: 1))
        }
        #expect(count?.kind == .tooManyMembers)
        #expect(try scratch.listing("out") == [])
    }

    @Test func existingItemsAreKeptUnlessReplacingIsAsked() throws {
        let (scratch, archive, destination) = try zip([Member(name: "set/new.txt", data: png)])
        try FileManager.default.createDirectory(at: destination.appending(path: "set"), withIntermediateDirectories: false)
        try scratch.write("out/set/old.txt", text)
        try scratch.write("out/unrelated.txt", text)

        let error = #expect(throws: ExtractionError.self) { try ArchiveExtraction.extractZip(archive, into: destination) }
        #expect(error?.kind == .destinationExists)
        #expect(try scratch.listing("out/set") == ["old.txt"])

        _ = try ArchiveExtraction.extractZip(archive, into: destination, replacingExisting: true)
        #expect(try scratch.listing("out/set") == ["new.txt"])
        #expect(try scratch.listing("out") == ["set", "unrelated.txt"])
    }

    @Test func notAZipIsACorruptArchive() throws {
        let scratch = try DownloadScratch()
        try scratch.write("fake.zip", png)
        let error = #expect(throws: ExtractionError.self) {
            try ArchiveExtraction.extractZip(scratch.url.appending(path: "fake.zip"), into: scratch.url.appending(path: "out"))
        }
        #expect(error?.kind == .corruptArchive)
        #expect(error?.description.contains("fake.zip") == true)
    }

    /// The engine's own writer makes archives the new public reader API must list and stream.
    @Test func readsArchivesWrittenByTheEngine() throws {
        let scratch = try DownloadScratch()
        let url = scratch.url.appending(path: "weights.npz")
        var npz = NpzArchive()
        npz.set(NpyArray(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]), forKey: "layer/kernel")
        try npz.write(to: url)
        let zip = try ZipArchive(url: url)
        #expect(zip.members.map(\.name) == ["layer/kernel.npy"])
        var streamed: [UInt8] = []
        try zip.readMember(zip.members[0], chunkSize: 7) { streamed += $0 }
        #expect(streamed.count == zip.members[0].uncompressedSize)
        #expect(streamed.starts(with: [0x93] + Array("NUMPY".utf8)))
    }
}
