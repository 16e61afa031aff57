import Foundation
import TestSupport
import Testing
@testable import FileFormats

/// NpzReader inflates a member's header alone on request, and its data only once the caller accepts the header.
@Suite struct NpzReaderTests {
    static let gibibyte = 1 << 30

    static func file(_ build: (inout DeflatedZip) -> Void) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "npz-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var zip = DeflatedZip()
        build(&zip)
        let url = directory.appending(path: "bomb.npz")
        try zip.write(to: url)
        return url
    }

    struct Refused: Error {}

    @Test func aHugeMembersHeaderIsReadAndItsDataRefusedWithoutInflating() throws {
        let url = try Self.file { zip in
            zip.add("small.npy", bytes: NpyArray(shape: [2], floats: [1, 2]).serialized())
            zip.add("huge.npy", prefix: DeflatedZip.npyHeader(descr: "<f4", shape: [Self.gibibyte / 4]), zeros: Self.gibibyte)
        }
        let started = Date()
        let reader = try NpzReader(contentsOf: url)
        #expect(reader.keys == ["small", "huge"])
        let header = try #require(try reader.header("huge"))
        #expect(header.dtype == .float32 && header.shape == [Self.gibibyte / 4] && header.dataByteCount == Self.gibibyte)
        #expect(throws: Refused.self) { try reader.array("huge") { _ in throw Refused() } }
        #expect(try reader.array("small")?.floatValues() == [1, 2])
        #expect(try reader.header("absent") == nil)
        #expect(Date().timeIntervalSince(started) < 1, "nothing of the 1 GiB member was inflated")
    }

    @Test func aShapeThatDisagreesWithTheDeclaredSizeIsRefusedFromTheHeader() throws {
        // The directory declares 1 GiB of data, the header a shape of a few bytes: refused before inflating.
        let url = try Self.file { zip in
            zip.add("liar.npy", prefix: DeflatedZip.npyHeader(descr: "<f4", shape: [3]), zeros: Self.gibibyte)
        }
        let started = Date()
        #expect { try NpzReader(contentsOf: url).header("liar") } throws: { error in
            guard let error = error as? FileFormatError else { return false }
            return error.kind == .badNpy && error.key == "liar" && error.path == url.path && error.message.contains("needs 12 data bytes")
        }
        #expect(Date().timeIntervalSince(started) < 1)
    }
}
