import FileFormats
import Foundation
import TestSupport
import Testing
@testable import BiT

#if canImport(Glibc)
import Glibc
#endif

/// A small checkpoint that declares gigabytes must be refused from its npy headers, before anything is inflated.
@Suite(.serialized) struct CheckpointBombTests {
    static let gibibyte = 1 << 30

    /// The tiny fixture's members, deflated, with each of `bombs` (key → npy header) replacing or joining them as that header and 1 GiB of zeros.
    static func bombFile(_ bombs: [String: [UInt8]]) throws -> URL {
        let archive = try NpzArchive.read(contentsOf: Fixtures.url("tiny-bit/tiny-bit.npz"))
        var zip = DeflatedZip()
        for key in archive.keys where bombs[key] == nil {
            zip.add(key + ".npy", bytes: try #require(archive[key]).serialized())
        }
        for (key, header) in bombs.sorted(by: { $0.key < $1.key }) {
            zip.add(key + ".npy", prefix: header, zeros: gibibyte)
        }
        let file = BiTCheckpointTests.temporaryFile("bomb.npz")
        try zip.write(to: file)
        return file
    }

    /// Peak resident memory of this process so far, in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Loads `file`, expecting `kind`, and checks that the peak resident memory grew by far less than the 1 GiB bomb.
    static func expectRefusedWithoutInflating(_ file: URL, _ kind: CheckpointError.Kind, mentions: String) throws {
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        #expect(size < 2 << 20, "the bomb file itself stays small (\(size) bytes)")
        let before = peakResidentBytes()
        let started = Date()
        #expect { _ = try BiTCheckpoint.load(file) } throws: { error in
            guard let e = error as? CheckpointError else { return false }
            return e.kind == kind && e.path == file.path && e.description.contains(mentions)
        }
        let grown = peakResidentBytes() - before
        #expect(grown < 128 << 20, "peak RSS grew by \(grown >> 20) MiB while refusing a 1 GiB member")
        #expect(Date().timeIntervalSince(started) < 1, "refused without inflating")
    }

    @Test func anExtraHugeMemberIsNeverInflated() throws {
        let file = try Self.bombFile(["resnet/extra/weights": DeflatedZip.npyHeader(descr: "|u1", shape: [Self.gibibyte])])
        try Self.expectRefusedWithoutInflating(file, .unexpectedKey, mentions: "member 'resnet/extra/weights'")
    }

    @Test func aHugeMemberOfTheWrongShapeIsRefusedFromItsHeader() throws {
        let header = DeflatedZip.npyHeader(descr: "<f4", shape: [1, 1, 256, Self.gibibyte / 1024])
        let file = try Self.bombFile(["resnet/head/conv2d/kernel": header])
        try Self.expectRefusedWithoutInflating(file, .shapeMismatch, mentions: "expected [1, 1, 256, 3]")
    }

    @Test func aHeadOfAbsurdlyManyClassesIsRefusedFromItsHeader() throws {
        let file = try Self.bombFile(["resnet/head/conv2d/bias": DeflatedZip.npyHeader(descr: "<f4", shape: [Self.gibibyte / 4])])
        try Self.expectRefusedWithoutInflating(file, .shapeMismatch, mentions: "1 to \(BiTCheckpoint.maxClasses) classes")
    }

    @Test func aHugeMetadataMemberIsRefusedFromItsHeader() throws {
        let file = try Self.bombFile([BiTCheckpoint.metadataKey: DeflatedZip.npyHeader(descr: "|u1", shape: [Self.gibibyte])])
        try Self.expectRefusedWithoutInflating(file, .badMetadata, mentions: "at most")
    }

    @Test func anUnusedModelcheckMemberIsNotInflated() throws {
        let file = try Self.bombFile(["modelcheck/notes": DeflatedZip.npyHeader(descr: "|u1", shape: [Self.gibibyte])])
        let before = Self.peakResidentBytes()
        let started = Date()
        let (model, _) = try BiTCheckpoint.load(file)
        #expect(model.classes == 3)
        let grown = Self.peakResidentBytes() - before
        #expect(grown < 128 << 20, "peak RSS grew by \(grown >> 20) MiB for a member the loader does not need")
        #expect(Date().timeIntervalSince(started) < 1, "loaded without inflating the unused member")
    }

    @Test func aUnitNumberBeyondTheKeysIsRefusedBeforeTheExpectedKeysAreListed() throws {
        let archive = try NpzArchive.read(contentsOf: Fixtures.url("tiny-bit/tiny-bit.npz"))
        var edited = NpzArchive()
        for key in archive.keys { edited.set(try #require(archive[key]), forKey: key) }
        let key = "resnet/block2/unit100000000/a/gn/gamma"
        edited.set(NpyArray(shape: [1], floats: [1]), forKey: key)
        let file = BiTCheckpointTests.temporaryFile("units.npz")
        try edited.write(to: file)
        let started = Date()
        #expect { _ = try BiTCheckpoint.load(file) } throws: { error in
            (error as? CheckpointError).map { $0.kind == .unexpectedKey && $0.key == key && $0.description.contains("unit 100000000") } ?? false
        }
        #expect(Date().timeIntervalSince(started) < 1)
    }
}
