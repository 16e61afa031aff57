import CZlib
import Foundation

/// Writes ZIP archives of deflated members, for tests of what a reader inflates and when. A member can be a run of
/// zeros far larger than the file (a zip bomb), built in milliseconds from one compressed chunk repeated.
public struct DeflatedZip {
    private struct Member {
        var name: String
        var compressed: [UInt8]
        var crc: UInt
        var size: Int
    }

    private var members: [Member] = []

    /// An archive with no members yet.
    public init() {}

    /// Adds a member holding `bytes`.
    public mutating func add(_ name: String, bytes: [UInt8]) {
        members.append(Member(name: name, compressed: Self.deflatedBlocks(bytes) + Self.finalBlock,
                              crc: Self.crc(bytes), size: bytes.count))
    }

    /// Adds a member holding `prefix` then `zeros` zero bytes, a valid deflate stream about a thousandth that size.
    public mutating func add(_ name: String, prefix: [UInt8], zeros: Int) {
        let chunk = 1 << 20
        let chunkBlocks = Self.deflatedBlocks([UInt8](repeating: 0, count: chunk))
        let chunkCRC = Self.crc([UInt8](repeating: 0, count: chunk))
        let tail = [UInt8](repeating: 0, count: zeros % chunk)
        var compressed = Self.deflatedBlocks(prefix)
        var crc = Self.crc(prefix)
        compressed.reserveCapacity(compressed.count + (zeros / chunk) * chunkBlocks.count + 64)
        for _ in 0..<(zeros / chunk) {
            compressed += chunkBlocks
            crc = crc32_combine(crc, chunkCRC, off_t(chunk))
        }
        compressed += Self.deflatedBlocks(tail) + Self.finalBlock
        crc = crc32_combine(crc, Self.crc(tail), off_t(tail.count))
        members.append(Member(name: name, compressed: compressed, crc: crc, size: prefix.count + zeros))
    }

    /// Writes the archive (no ZIP64: every member and the file stay under 4 GiB).
    public func write(to url: URL) throws {
        var file: [UInt8] = []
        var central: [UInt8] = []
        for member in members {
            precondition(member.size < 0xFFFF_FFFF && member.compressed.count < 0xFFFF_FFFF, "DeflatedZip writes no ZIP64")
            let name = Array(member.name.utf8)
            let offset = file.count
            file.append32(0x0403_4B50)
            file.append16(20); file.append16(0); file.append16(8); file.append16(0); file.append16(0x21)
            file.append32(UInt32(member.crc)); file.append32(UInt32(member.compressed.count)); file.append32(UInt32(member.size))
            file.append16(UInt16(name.count)); file.append16(0)
            file += name + member.compressed
            central.append32(0x0201_4B50)
            central.append16(20); central.append16(20); central.append16(0); central.append16(8); central.append16(0); central.append16(0x21)
            central.append32(UInt32(member.crc)); central.append32(UInt32(member.compressed.count)); central.append32(UInt32(member.size))
            central.append16(UInt16(name.count)); central.append16(0); central.append16(0); central.append16(0); central.append16(0)
            central.append32(0); central.append32(UInt32(offset))
            central += name
        }
        let directoryOffset = file.count
        file += central
        file.append32(0x0605_4B50)
        file.append16(0); file.append16(0)
        file.append16(UInt16(members.count)); file.append16(UInt16(members.count))
        file.append32(UInt32(central.count)); file.append32(UInt32(directoryOffset)); file.append16(0)
        try Data(file).write(to: url)
    }

    /// An npy 1.0 header declaring `shape` of `descr` (e.g. "<f4"), padded as numpy pads it.
    public static func npyHeader(descr: String, shape: [Int]) -> [UInt8] {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dimensions), }".utf8)
        while (10 + dictionary.count + 1) % 64 != 0 { dictionary.append(0x20) }
        dictionary.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dictionary.count & 0xFF), UInt8(dictionary.count >> 8)] + dictionary
    }

    /// A final, empty fixed-Huffman block: the end of every member's stream.
    private static let finalBlock: [UInt8] = [0x03, 0x00]

    /// Raw deflate of `bytes` from a fresh stream, ended by a full flush: byte-aligned non-final blocks that refer to
    /// nothing before them, so such pieces concatenate into one valid stream.
    private static func deflatedBlocks(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                precondition(deflate(&stream, Z_FULL_FLUSH) == Z_OK && stream.avail_in == 0, "deflate did not take all input")
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    private static func crc(_ bytes: [UInt8]) -> UInt {
        bytes.withUnsafeBufferPointer { UInt(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}

private extension [UInt8] {
    mutating func append16(_ value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append32(_ value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
