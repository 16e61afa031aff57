import Foundation
import TestSupport
import Testing
@testable import FileFormats

// MARK: - Helpers

/// k * 0.25 - 2, the formula make_npz_fixtures.py uses; exact in every float type.
private func ramp(_ count: Int) -> [Float] {
    (0..<count).map { Float($0) * 0.25 - 2 }
}

private func fixtureURL(_ name: String) throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appending(path: "npz/\(name)")
}

private func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: fixtureURL(name)))
}

/// A fresh directory per test, since Swift Testing runs tests in parallel.
private func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory.appending(path: "npz-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

private func readLittleEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
    (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
}

private func writeLittleEndian32(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

/// Offsets of one member in a fixture, found with our own directory parser (which other tests check
/// against numpy's files) so corruption tests can aim at exact bytes.
private struct MemberLayout {
    var localHeader: Int
    var dataStart: Int
    var central: Int
}

private func layout(of member: String, in fixture: String) throws -> MemberLayout {
    let url = try fixtureURL(fixture)
    let archive = try ZipArchive(url: url)
    let entry = try #require(archive.entries.first { $0.name == member })
    let bytes = try fixtureBytes(fixture)
    let nameLength = Int(bytes[entry.localHeaderOffset + 26]) | Int(bytes[entry.localHeaderOffset + 27]) << 8
    let extraLength = Int(bytes[entry.localHeaderOffset + 28]) | Int(bytes[entry.localHeaderOffset + 29]) << 8
    return MemberLayout(localHeader: entry.localHeaderOffset,
                        dataStart: entry.localHeaderOffset + 30 + nameLength + extraLength,
                        central: entry.centralOffset)
}

private func endRecordOffset(_ bytes: [UInt8]) throws -> Int {
    try #require((0...(bytes.count - 22)).reversed().first { readLittleEndian32(bytes, at: $0) == 0x0605_4B50 })
}

/// Deterministic bytes without global state (SplitMix64).
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private struct PythonArray: Decodable {
    var dtype: String
    var shape: [Int]
    var values: [Double]
}

private struct PythonDump: Decodable {
    var testzip: String?
    var members: [String]
    var keys: [String]
    var arrays: [String: PythonArray]
}

/// numpy's view of an .npz: CRC check via zipfile.testzip, member names, and every array flattened.
private let pythonDumpScript = """
import json, sys, zipfile
import numpy as np
path = sys.argv[1]
with zipfile.ZipFile(path) as archive:
    bad = archive.testzip()
    members = [info.filename for info in archive.infolist()]
with np.load(path, allow_pickle=False) as data:
    keys = list(data.files)
    arrays = {k: {"dtype": data[k].dtype.str, "shape": list(data[k].shape),
                  "values": data[k].ravel().astype(np.float64).tolist()} for k in keys}
print(json.dumps({"testzip": bad, "members": members, "keys": keys, "arrays": arrays}))
"""

/// Runs python3 on `url`. CI guarantees python3 with numpy, so its absence is a failure, never a skip.
private func numpyDump(of url: URL) throws -> PythonDump {
    let result = try Python.run(script: pythonDumpScript, [url.path(percentEncoded: false)])
    try #require(result.status == 0, """
        python3 with numpy is required by this test (exit status \(result.status)): \(result.errors)
        """)
    return try JSONDecoder().decode(PythonDump.self, from: Data(result.output.utf8))
}

/// Reads `url` expecting a FileFormatError of `kind` whose description names the file and each fragment.
private func expectReadError(_ url: URL, _ kind: FileFormatError.Kind, mentions fragments: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) {
    let error = #expect(throws: FileFormatError.self, sourceLocation: sourceLocation) {
        try NpzArchive.read(contentsOf: url)
    }
    guard let error else { return }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.contains(url.path(percentEncoded: false)), "\(error)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.description.contains(fragment), "\(error) lacks \"\(fragment)\"", sourceLocation: sourceLocation)
    }
}

/// Writes `bytes` (a damaged archive) to a temporary file called `name` and reads it, expecting
/// a FileFormatError as `expectReadError` does.
private func expectReadError(of bytes: [UInt8], named name: String, _ kind: FileFormatError.Kind, mentions fragments: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
    try withTemporaryDirectory { directory in
        let url = directory.appending(path: name)
        try Data(bytes).write(to: url)
        expectReadError(url, kind, mentions: fragments, sourceLocation: sourceLocation)
    }
}

// MARK: - Round trips

@Suite struct NpzArchiveTests {
    @Test func roundTripPreservesKeysShapesDTypesAndValues() throws {
        var archive = NpzArchive()
        archive.set(NpyArray(shape: [3, 3, 4, 8], floats: ramp(288)), forKey: "resnet/block1/unit01/a/standardized_conv2d/kernel")
        archive.set(NpyArray(bytes: Array(0...255)), forKey: "labels/bytes")
        archive.set(NpyArray(shape: [], floats: [42.5]), forKey: "scalar")
        archive.set(NpyArray(shape: [0, 5], floats: []), forKey: "empty")
        archive.set(NpyArray(shape: [2], floats: [1, 2]), forKey: "vector")
        archive.set(NpyArray(shape: [7], floats: ramp(7)), forKey: "vector")  // replaces in place

        #expect(archive.keys == ["resnet/block1/unit01/a/standardized_conv2d/kernel", "labels/bytes", "scalar", "empty", "vector"])
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "round trip.npz")
            try archive.write(to: url)
            let loaded = try NpzArchive.read(contentsOf: url)
            #expect(loaded.keys == archive.keys)
            for key in archive.keys {
                #expect(loaded[key] == archive[key], "\(key)")
            }
            let kernel = try #require(loaded["resnet/block1/unit01/a/standardized_conv2d/kernel"])
            #expect(kernel.shape == [3, 3, 4, 8])
            #expect(kernel.dtype == .float32)
            #expect(try kernel.floatValues() == ramp(288))
            let bytes = try #require(loaded["labels/bytes"])
            #expect(bytes.dtype == .uint8)
            #expect(try bytes.byteValues() == Array(0...255))
            #expect(try loaded["scalar"]?.floatValues() == [42.5])
            #expect(loaded["scalar"]?.shape == [])
            #expect(loaded["empty"]?.shape == [0, 5])
            #expect(loaded["empty"]?.count == 0)
            #expect(try loaded["vector"]?.floatValues() == ramp(7))
            #expect(loaded["missing"] == nil)
        }
    }

    @Test func writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "model.npz")
            var first = NpzArchive()
            first.set(NpyArray(shape: [4], floats: ramp(4)), forKey: "w")
            try first.write(to: url)
            var second = NpzArchive()
            second.set(NpyArray(shape: [2, 2], floats: [9, 8, 7, 6]), forKey: "other")
            try second.write(to: url)

            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path(percentEncoded: false)) == ["model.npz"])
            let loaded = try NpzArchive.read(contentsOf: url)
            #expect(loaded.keys == ["other"])
            #expect(try loaded["other"]?.floatValues() == [9, 8, 7, 6])
            // Identical content must give identical bytes (fixed timestamps), so checkpoints can be diffed.
            let again = directory.appending(path: "again.npz")
            try second.write(to: again)
            #expect(try Data(contentsOf: url) == Data(contentsOf: again))
        }
    }

    @Test func writeIntoMissingDirectoryNamesThePath() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "no/such/dir/model.npz")
            var archive = NpzArchive()
            archive.set(NpyArray(bytes: [1, 2, 3]), forKey: "b")
            let error = #expect(throws: FileFormatError.self) { try archive.write(to: url) }
            #expect(error?.kind == .io)
            #expect(error?.description.contains(url.path(percentEncoded: false)) == true)
            #expect(error?.description.contains("No such file or directory") == true)
        }
    }

    @Test func failedWriteRemovesItsTemporaryFile() throws {
        try withTemporaryDirectory { directory in
            // A directory in the way makes the final rename fail after all data has been written.
            let url = directory.appending(path: "model.npz")
            try FileManager.default.createDirectory(at: url.appending(path: "occupied"), withIntermediateDirectories: true)
            var archive = NpzArchive()
            archive.set(NpyArray(shape: [3], floats: [1, 2, 3]), forKey: "w")
            let error = #expect(throws: FileFormatError.self) { try archive.write(to: url) }
            #expect(error?.kind == .io)
            #expect(error?.description.contains("cannot rename") == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path(percentEncoded: false)) == ["model.npz"])
        }
    }

    @Test(arguments: [[], [0], [5], [2, 3], [1, 1, 2, 3], [4, 0, 2]])
    func serializedNpyIsAlignedAndParsesBack(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let array = NpyArray(shape: shape, floats: ramp(count))
        let bytes = array.serialized()
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == 0x0A)
        #expect(bytes.count == 10 + headerLength + 4 * count)
        let parsed = try bytes.withUnsafeBytes { try NpyArray.parse($0, name: "memory.npy") }
        #expect(parsed == array)
    }

    @Test func oversizedHeaderUsesFormatVersion2() throws {
        // 25 000 unit dimensions make the header dictionary longer than format 1.0's 16-bit length field.
        let array = NpyArray(shape: [Int](repeating: 1, count: 25_000), floats: [3.5])
        let bytes = array.serialized()
        #expect(bytes[6] == 2 && bytes[7] == 0)
        let headerLength = readLittleEndian32(bytes, at: 8)
        #expect(headerLength > 65_535)
        #expect((12 + headerLength) % 64 == 0)
        let parsed = try bytes.withUnsafeBytes { try NpyArray.parse($0, name: "big-header.npy") }
        #expect(parsed == array)
    }

    @Test func accessorsConvertOrRejectByDType() throws {
        let bytes = NpyArray(bytes: [0, 7, 255])
        #expect(try bytes.floatValues() == [0, 7, 255])
        #expect(bytes.count == 3)
        let floats = NpyArray(shape: [2], floats: [1, 2])
        let error = #expect(throws: FileFormatError.self) { try floats.byteValues() }
        #expect(error?.kind == .dtypeMismatch)
        #expect(error?.description.contains("float32") == true)
        let flags = NpyArray(shape: [2], storage: .bool([true, false]))
        #expect(throws: FileFormatError.self) { try flags.floatValues() }
        #expect(throws: FileFormatError.self) { try flags.doubleValues() }
        #expect(try bytes.doubleValues() == [0, 7, 255])
    }

    // MARK: - Files written by numpy

    @Test func readsNumpySavez() throws {
        let archive = try NpzArchive.read(contentsOf: fixtureURL("savez.npz"))
        #expect(archive.keys == [
            "resnet/block1/unit01/a/group_norm/gamma", "resnet/root_block/standardized_conv2d/kernel",
            "scalar", "empty", "bytes", "int32", "int64", "half", "double", "fortran3d",
        ])
        let gamma = try #require(archive["resnet/block1/unit01/a/group_norm/gamma"])
        #expect(gamma.dtype == .float32)
        #expect(gamma.shape == [2, 3, 4])
        #expect(try gamma.floatValues() == ramp(24))
        #expect(archive["resnet/root_block/standardized_conv2d/kernel"]?.shape == [1, 1, 2, 3])
        #expect(try archive["resnet/root_block/standardized_conv2d/kernel"]?.floatValues() == ramp(6))
        #expect(archive["scalar"]?.shape == [])
        #expect(try archive["scalar"]?.floatValues() == [1.5])
        #expect(archive["empty"]?.shape == [0, 3])
        #expect(try archive["empty"]?.floatValues() == [])
        #expect(archive["bytes"]?.dtype == .uint8)
        #expect(try archive["bytes"]?.byteValues() == (0..<10).map { UInt8($0 * 25) })
        #expect(archive["int32"]?.dtype == .int32)
        #expect(archive["int32"]?.shape == [2, 3])
        #expect(try archive["int32"]?.floatValues() == [-3, -2, -1, 0, 1, 2])
        #expect(archive["int64"]?.dtype == .int64)
        #expect(try archive["int64"]?.floatValues() == [-0x1p40, 0, Float(1 << 40 + 1)])
        #expect(archive["half"]?.dtype == .float16)
        #expect(try archive["half"]?.floatValues() == [0.5, -2, 65504, 0x1p-24, .infinity])
        #expect(archive["double"]?.dtype == .float64)
        #expect(try archive["double"]?.floatValues() == [Float(1.0 / 3.0), -.infinity, 2.5])
        #expect(try archive["double"]?.doubleValues() == [1.0 / 3.0, -1e300, 2.5])
        #expect(try archive["half"]?.doubleValues() == [0.5, -2, 65504, 0x1p-24, .infinity])
        #expect(try archive["int64"]?.doubleValues() == [-0x1p40, 0, 0x1p40 + 1])
        // Fortran-ordered on disk, but the same logical array, so C-order values match the ramp.
        #expect(archive["fortran3d"]?.shape == [2, 3, 4])
        #expect(try archive["fortran3d"]?.floatValues() == ramp(24))
    }

    @Test func readsNumpySavezCompressedIncludingBigEndian() throws {
        let archive = try NpzArchive.read(contentsOf: fixtureURL("savez_compressed.npz"))
        #expect(archive.keys == [
            "head/conv2d/kernel", "head/conv2d/bias", "big_endian_f4", "big_endian_f8", "big_endian_i8", "fortran", "zeros",
        ])
        #expect(archive["head/conv2d/kernel"]?.shape == [3, 4])
        #expect(try archive["head/conv2d/kernel"]?.floatValues() == ramp(12))
        #expect(archive["head/conv2d/bias"]?.dtype == .float64)
        #expect(try archive["head/conv2d/bias"]?.floatValues() == ramp(4))
        #expect(archive["big_endian_f4"]?.dtype == .float32)
        #expect(archive["big_endian_f4"]?.shape == [2, 3])
        #expect(try archive["big_endian_f4"]?.floatValues() == ramp(6))
        #expect(archive["big_endian_f8"]?.dtype == .float64)
        #expect(try archive["big_endian_f8"]?.floatValues() == ramp(5))
        #expect(archive["big_endian_i8"]?.dtype == .int64)
        #expect(try archive["big_endian_i8"]?.floatValues() == [1, -2, 0x1p33])
        #expect(archive["fortran"]?.shape == [2, 3])
        #expect(try archive["fortran"]?.floatValues() == ramp(6))
        #expect(try archive["zeros"]?.floatValues() == [Float](repeating: 0, count: 1000))
    }

    @Test func readsMembersWithDataDescriptors() throws {
        let archive = try NpzArchive.read(contentsOf: fixtureURL("data_descriptor.npz"))
        #expect(archive.keys == ["stored", "deflated"])
        #expect(try archive["stored"]?.floatValues() == ramp(8))
        #expect(archive["deflated"]?.shape == [4, 4])
        #expect(try archive["deflated"]?.floatValues() == ramp(16))
    }

    @Test func readsZip64ArchiveFromPythonZipfile() throws {
        let url = try fixtureURL("zip64.npz")
        let bytes = try fixtureBytes("zip64.npz")
        let end = try endRecordOffset(bytes)
        #expect(readLittleEndian32(bytes, at: end - 20) == 0x0706_4B50, "fixture must carry a ZIP64 locator")
        let archive = try NpzArchive.read(contentsOf: url)
        #expect(archive.keys == ["stored", "deflated"])
        #expect(try archive["stored"]?.floatValues() == ramp(8))
        #expect(archive["deflated"]?.shape == [4, 4])
        #expect(try archive["deflated"]?.floatValues() == ramp(16))
    }

    // MARK: - Files read by numpy

    /// Arrays of every dtype we write, with values JSON carries exactly.
    private static func sampleArchive() -> NpzArchive {
        var archive = NpzArchive()
        archive.set(NpyArray(shape: [2, 3, 4], floats: ramp(24)), forKey: "resnet/block1/unit01/a/group_norm/gamma")
        archive.set(NpyArray(bytes: [0, 1, 128, 255]), forKey: "bytes")
        archive.set(NpyArray(shape: [], floats: [-7.25]), forKey: "scalar")
        archive.set(NpyArray(shape: [0, 4], floats: []), forKey: "empty")
        archive.set(NpyArray(shape: [3], storage: .float64([0.5, -1e300, 1.0 / 1024])), forKey: "double")
        archive.set(NpyArray(shape: [2, 2], storage: .int32([-2, -1, 0, Int32.max])), forKey: "int32")
        archive.set(NpyArray(shape: [2], storage: .int64([-(1 << 50), 1 << 50])), forKey: "int64")
        archive.set(NpyArray(shape: [3], storage: .float16([0x3C00, 0xC000, 0x0001])), forKey: "half")  // 1, -2, 2^-24
        archive.set(NpyArray(shape: [2], storage: .bool([true, false])), forKey: "mask")
        return archive
    }

    /// Compares numpy's view of a file we wrote with what we put in.
    private static func expectNumpyAgrees(_ dump: PythonDump, with archive: NpzArchive) throws {
        #expect(dump.testzip == nil, "zipfile found a bad CRC in \(dump.testzip ?? "")")
        #expect(dump.keys == archive.keys)
        #expect(dump.members == archive.keys.map { $0 + ".npy" })
        let expectedDTypes = ["bool": "|b1", "uint8": "|u1", "int32": "<i4", "int64": "<i8",
                              "float16": "<f2", "float32": "<f4", "float64": "<f8"]
        for key in archive.keys {
            let ours = try #require(archive[key])
            let theirs = try #require(dump.arrays[key], "numpy lacks \(key)")
            #expect(theirs.shape == ours.shape, "\(key)")
            #expect(theirs.dtype == expectedDTypes[ours.dtype.rawValue], "\(key)")
            let expected: [Double] = switch ours.storage {
            case .float64(let values): values
            case .int32(let values): values.map(Double.init)
            case .int64(let values): values.map(Double.init)
            case .bool(let values): values.map { $0 ? 1 : 0 }
            default: try ours.floatValues().map(Double.init)
            }
            #expect(theirs.values == expected, "\(key)")
        }
    }

    @Test func numpyReadsWhatWeWrite() throws {
        let archive = Self.sampleArchive()
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "ours.npz")
            try archive.write(to: url)
            try Self.expectNumpyAgrees(try numpyDump(of: url), with: archive)
        }
    }

    /// (field limit, entry limit): everything in ZIP64 form; and a mix where only later offsets and the
    /// end record are, which exercises partial ZIP64 extra fields.
    @Test(arguments: [(UInt64(0), 0), (UInt64(300), 3)])
    func zip64WritePathIsReadableByUsAndNumpy(fieldLimit: UInt64, entryLimit: Int) throws {
        let archive = Self.sampleArchive()
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "zip64.npz")
            try archive.write(to: url, zip64Thresholds: .init(fieldLimit: fieldLimit, entryLimit: entryLimit))
            let bytes = [UInt8](try Data(contentsOf: url))
            let end = try endRecordOffset(bytes)
            #expect(readLittleEndian32(bytes, at: end - 20) == 0x0706_4B50, "ZIP64 locator must precede the end record")
            #expect(readLittleEndian32(bytes, at: end + 16) == 0xFFFF_FFFF, "classic end record must defer to ZIP64")
            #expect(bytes[end + 10] == 0xFF && bytes[end + 11] == 0xFF)

            let loaded = try NpzArchive.read(contentsOf: url)
            #expect(loaded.keys == archive.keys)
            for key in archive.keys { #expect(loaded[key] == archive[key], "\(key)") }
            try Self.expectNumpyAgrees(try numpyDump(of: url), with: archive)
        }
    }

    // MARK: - Bad input

    @Test func emptyFile() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "empty.npz")
            try Data().write(to: url)
            expectReadError(url, .emptyFile, mentions: ["empty"])
        }
    }

    @Test func missingFileAndDirectory() throws {
        try withTemporaryDirectory { directory in
            expectReadError(directory.appending(path: "absent.npz"), .io, mentions: ["No such file or directory"])
            expectReadError(directory, .io, mentions: ["not a regular file"])
        }
    }

    @Test func randomBytesAreNotAZip() throws {
        var generator = SeededGenerator(state: 42)
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "noise.npz")
            try Data(noise).write(to: url)
            expectReadError(url, .notZip, mentions: ["not a ZIP"])
        }
    }

    @Test func pngIsNotAZip() throws {
        expectReadError(try fixtureURL("not_a_zip.png"), .notZip, mentions: ["not a ZIP", "PNG"])
    }

    @Test func bareNpyIsNotAZip() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "array.npy")
            try Data(NpyArray(shape: [2], floats: [1, 2]).serialized()).write(to: url)
            expectReadError(url, .notZip, mentions: [".npy"])
        }
    }

    /// Every proper prefix of an archive must be rejected as truncated (or empty), never misread or trapped on.
    @Test(arguments: ["savez.npz", "savez_compressed.npz", "zip64.npz"])
    func everyTruncationIsReported(fixture: String) throws {
        let bytes = try fixtureBytes(fixture)
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "cut.npz")
            for length in 0..<bytes.count {
                try Data(bytes[0..<length]).write(to: url)
                let error = #expect(throws: FileFormatError.self, "cut at \(length)") { try NpzArchive.read(contentsOf: url) }
                let expected: FileFormatError.Kind = length == 0 ? .emptyFile : length < 4 ? .notZip : .truncated
                #expect(error?.kind == expected, "cut at \(length): \(error.map(String.init(describing:)) ?? "")")
                #expect(error?.description.contains(url.path(percentEncoded: false)) == true)
                if length >= 4 { #expect(error?.description.contains("byte offset \(length)") == true) }
            }
        }
    }

    @Test func memberDataPastEndOfFile() throws {
        var bytes = try fixtureBytes("savez.npz")
        let member = try layout(of: "fortran3d.npy", in: "savez.npz")
        writeLittleEndian32(0x7000_0000, into: &bytes, at: member.central + 20)
        writeLittleEndian32(0x7000_0000, into: &bytes, at: member.central + 24)
        try expectReadError(of: bytes, named: "short.npz", .truncated, mentions: ["member 'fortran3d'", "byte offset \(member.dataStart)", "runs past the end"])
    }

    @Test func centralDirectoryPointingAtGarbage() throws {
        var bytes = try fixtureBytes("savez.npz")
        let member = try layout(of: "scalar.npy", in: "savez.npz")
        writeLittleEndian32(UInt32(member.localHeader + 1), into: &bytes, at: member.central + 42)
        try expectReadError(of: bytes, named: "garbage.npz", .corruptArchive, mentions: ["member 'scalar'", "byte offset \(member.localHeader + 1)", "local file header"])
    }

    @Test func crcMismatchInData() throws {
        var bytes = try fixtureBytes("savez.npz")
        let member = try layout(of: "scalar.npy", in: "savez.npz")
        bytes[member.dataStart + 130] ^= 0x01  // inside the float, after the 128-byte npy header
        try expectReadError(of: bytes, named: "crc.npz", .crcMismatch, mentions: ["member 'scalar'", "byte offset \(member.localHeader)", "CRC-32"])
    }

    /// Damage that also garbles the npy magic must still be reported as damage, not as a bad npy file.
    @Test func crcMismatchTakesPrecedenceOverNpyErrors() throws {
        var bytes = try fixtureBytes("savez.npz")
        let member = try layout(of: "int32.npy", in: "savez.npz")
        bytes[member.dataStart] = 0x00
        try expectReadError(of: bytes, named: "crc-magic.npz", .crcMismatch, mentions: ["member 'int32'", "byte offset \(member.localHeader)"])
    }

    @Test func corruptDeflateStream() throws {
        var bytes = try fixtureBytes("savez_compressed.npz")
        let member = try layout(of: "head/conv2d/bias.npy", in: "savez_compressed.npz")
        bytes[member.dataStart] = 0x07  // final block of reserved type 3
        try expectReadError(of: bytes, named: "deflate.npz", .corruptDeflate, mentions: ["member 'head/conv2d/bias'", "byte offset \(member.dataStart)", "invalid block type"])
    }

    @Test func deflateStreamCutShort() throws {
        var bytes = try fixtureBytes("savez_compressed.npz")
        let member = try layout(of: "zeros.npy", in: "savez_compressed.npz")
        writeLittleEndian32(5, into: &bytes, at: member.central + 20)
        try expectReadError(of: bytes, named: "deflate-short.npz", .corruptDeflate, mentions: ["member 'zeros'", "byte offset \(member.dataStart + 5)", "cut short"])
    }

    @Test(arguments: [
        ("bad_magic.npz", FileFormatError.Kind.badNpy, "bad magic"),
        ("bad_header.npz", .badNpy, "malformed npy header"),
        ("bad_dtype.npz", .unsupported, "unsupported dtype '<c8'"),
        ("shape_mismatch.npz", .badNpy, "needs 24 data bytes, but 20 are present"),
        ("bzip2.npz", .unsupported, "compression method 12 (bzip2)"),
        ("duplicate_keys.npz", .duplicateKey, "more than once"),
    ])
    func badMemberFixtures(fixture: String, kind: FileFormatError.Kind, detail: String) throws {
        let url = try fixtureURL(fixture)
        // For duplicates the error points at the second member and names the first.
        let first = try layout(of: "w.npy", in: fixture)
        let location = kind == .duplicateKey
            ? "first member at byte offset \(first.localHeader)"
            : "member 'w' at byte offset \(first.localHeader)"
        expectReadError(url, kind, mentions: ["member 'w'", location, detail])
    }

    @Test func nonArrayMemberIsRejected() throws {
        let url = try fixtureURL("not_npy_member.npz")
        expectReadError(url, .unsupported, mentions: ["member 'README.txt'", "not an .npy array"])
    }

    /// An npy image with an arbitrary header dictionary, padded the way numpy pads.
    private static func npyImage(header: String, data: [UInt8]) -> [UInt8] {
        var dictionary = Array(header.utf8)
        dictionary += [UInt8](repeating: 0x20, count: (64 - (10 + dictionary.count + 1) % 64) % 64) + [0x0A]
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(dictionary.count & 0xFF), UInt8(dictionary.count >> 8)]
            + dictionary + data
    }

    @Test func npyParseRejectsMalformedBuffers() throws {
        let valid = NpyArray(shape: [2, 3], floats: ramp(6)).serialized()
        var badMagic = valid
        badMagic[1] = 0x58
        var hugeHeader = valid
        hugeHeader[8] = 0xFF
        hugeHeader[9] = 0xFF
        let data = [UInt8](repeating: 0, count: 24)
        func header(shape: String, descr: String = "'<f4'", extra: String = "") -> [UInt8] {
            Self.npyImage(header: "{'descr': \(descr), 'fortran_order': False, 'shape': \(shape), \(extra)}", data: data)
        }
        let cases: [([UInt8], FileFormatError.Kind, String)] = [
            (Array(valid.prefix(5)), .badNpy, "too short"),
            (badMagic, .badNpy, "bad magic"),
            (hugeHeader, .badNpy, "header length 65535"),
            (Array(valid.dropLast(1)), .badNpy, "needs 24 data bytes, but 23 are present"),
            (header(shape: "(2, -3)"), .badNpy, "non-negative integers"),
            (header(shape: "(9223372036854775807, 2)"), .badNpy, "too large to address"),
            (header(shape: "(99999999999999999999,)"), .badNpy, "integer too large"),
            (header(shape: String(repeating: "(", count: 5000)), .badNpy, "nesting too deep"),
            (header(shape: "(2, 3)", extra: "'extra': 1, "), .badNpy, "unexpected or repeated key 'extra'"),
            (header(shape: "(2, 3)", descr: "[('x', '<f4')]"), .unsupported, "structured"),
            (header(shape: "(2, 3)", descr: "'<U1'"), .unsupported, "unsupported dtype '<U1'"),
        ]
        for (bytes, kind, detail) in cases {
            let error = #expect(throws: FileFormatError.self) {
                try bytes.withUnsafeBytes { try NpyArray.parse($0, name: "weights.npy") }
            }
            let text = error.map(String.init(describing:)) ?? "no error"
            #expect(error?.kind == kind, "\(text)")
            #expect(text.hasPrefix("weights.npy: "), "\(text)")
            #expect(text.contains(detail), "\(text) lacks \(detail)")
        }
        // The same helper with a sane header must parse, so the cases above fail for the stated reason only.
        let parsed = try header(shape: "(2, 3)").withUnsafeBytes { try NpyArray.parse($0, name: "weights.npy") }
        #expect(parsed.shape == [2, 3])
        #expect(try parsed.floatValues() == [Float](repeating: 0, count: 6))
    }

    /// Random single-byte damage anywhere must end in success or a FileFormatError, never a trap.
    @Test(arguments: ["savez.npz", "savez_compressed.npz", "zip64.npz", "data_descriptor.npz"])
    func randomDamageNeverTraps(fixture: String) throws {
        let original = try fixtureBytes(fixture)
        var generator = SeededGenerator(state: UInt64(original.count))
        try withTemporaryDirectory { directory in
            let url = directory.appending(path: "damaged.npz")
            var rejected = 0
            for _ in 0..<1500 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                try Data(bytes).write(to: url)
                do {
                    _ = try NpzArchive.read(contentsOf: url)
                } catch let error as FileFormatError {
                    #expect(error.description.contains(url.path(percentEncoded: false)))
                    rejected += 1
                }
            }
            #expect(rejected > 500, "most random damage should be detected (CRCs, signatures), got \(rejected)")
        }
    }
}
