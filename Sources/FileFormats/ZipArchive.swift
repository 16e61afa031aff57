import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, so members are decoded straight from the page cache without an
/// intermediate copy of the archive.
final class MappedFile {
    let path: String
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        let site = FileFormatErrorSite(path: path)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw site.ioError("opening the file") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw site.ioError("fstat") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw site.error(.io, "not a regular file")
        }
        guard let size = Int(exactly: info.st_size), size > 0 else {
            throw site.error(.emptyFile, "file is empty (0 bytes); expected an .npz (ZIP) archive")
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw site.ioError("mmap") }
        // Members are read front to back; ask for aggressive read-ahead.
        _ = madvise(address, size, MADV_SEQUENTIAL)
        self.path = path
        self.bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}

/// One central-directory record, with ZIP64 values already substituted.
struct ZipEntry: Sendable {
    var name: String
    var nameBytes: [UInt8]
    var flags: UInt16
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    /// Where this record sits in the central directory, for error messages.
    var centralOffset: Int
    /// "Version made by" and external attributes: together they tell whether a Unix host stored a symbolic link.
    var versionMadeBy: UInt16 = 0
    var externalAttributes: UInt32 = 0
}

/// Little-endian field access into the mapped file. Callers check bounds first.
private extension UnsafeRawBufferPointer {
    func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }

    /// Whether `length` bytes starting at `offset` lie inside the buffer, without overflowing.
    func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }
}

enum ZipSignature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
    static let zip64ExtraID: UInt16 = 0x0001
}

/// A ZIP archive's directory over a mapped file (stored and deflate members, ZIP64, no encryption or spanning).
public struct ZipArchive {
    let file: MappedFile
    let entries: [ZipEntry]

    var path: String { file.path }

    /// Maps the archive at `url` and reads its central directory; member data is read only on demand.
    public init(url: URL) throws {
        let file = try MappedFile(path: url.path(percentEncoded: false))
        self.file = file
        self.entries = try Self.readCentralDirectory(file)
    }

    private static func readCentralDirectory(_ file: MappedFile) throws -> [ZipEntry] {
        let bytes = file.bytes
        let site = FileFormatErrorSite(path: file.path)
        guard let eocd = findEndRecord(bytes) else { throw missingEndRecordError(bytes, site: site) }

        guard bytes.u16(eocd + 4) == 0, bytes.u16(eocd + 6) == 0 else {
            throw site.error(.unsupported, "multi-disk (split) ZIP archives are not supported", offset: eocd)
        }
        var entryCount = UInt64(bytes.u16(eocd + 10))
        var directorySize = UInt64(bytes.u32(eocd + 12))
        var directoryOffset = UInt64(bytes.u32(eocd + 16))
        var directoryLimit = eocd

        // A ZIP64 locator immediately precedes the classic end record when 64-bit values are in use.
        if eocd >= 20, bytes.u32(eocd - 20) == ZipSignature.zip64Locator {
            let locator = eocd - 20
            guard let record = Int(exactly: bytes.u64(locator + 8)), bytes.contains(record, length: 56),
                  record + 56 <= locator,
                  bytes.u32(record) == ZipSignature.zip64EndOfCentralDirectory
            else {
                throw site.error(.corruptArchive, "ZIP64 end-of-central-directory locator points to offset \(bytes.u64(locator + 8)), where there is no ZIP64 end record", offset: locator)
            }
            guard bytes.u32(record + 16) == 0, bytes.u32(record + 20) == 0 else {
                throw site.error(.unsupported, "multi-disk (split) ZIP archives are not supported", offset: record)
            }
            entryCount = bytes.u64(record + 32)
            directorySize = bytes.u64(record + 40)
            directoryOffset = bytes.u64(record + 48)
            directoryLimit = record
        }

        guard let start = Int(exactly: directoryOffset), let size = Int(exactly: directorySize),
              case let (end, overflow) = start.addingReportingOverflow(size), !overflow, end <= directoryLimit
        else {
            throw site.error(.corruptArchive, "central directory (\(directorySize) bytes at offset \(directoryOffset)) does not end before the end record at offset \(directoryLimit)", offset: eocd)
        }
        // Every record takes at least 46 bytes; checking this first bounds the allocation below.
        guard entryCount <= UInt64(size / 46) else {
            throw site.error(.corruptArchive, "end record declares \(entryCount) entries, more than a \(size)-byte central directory can hold", offset: eocd)
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(entryCount))
        var position = start
        for index in 0..<Int(entryCount) {
            guard position <= end - 46, bytes.u32(position) == ZipSignature.centralHeader else {
                throw site.error(.corruptArchive, "central directory entry \(index) of \(entryCount) is missing or has a bad signature", offset: position)
            }
            let nameLength = Int(bytes.u16(position + 28))
            let extraLength = Int(bytes.u16(position + 30))
            let commentLength = Int(bytes.u16(position + 32))
            let nameStart = position + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= end else {
                throw site.error(.corruptArchive, "central directory entry \(index) runs past the end of the central directory", offset: position)
            }
            let nameBytes = Array(bytes[nameStart..<extraStart])
            let name = String(decoding: nameBytes, as: UTF8.self)

            var compressedSize = UInt64(bytes.u32(position + 20))
            var uncompressedSize = UInt64(bytes.u32(position + 24))
            var localOffset = UInt64(bytes.u32(position + 42))
            if let zip64 = findExtraField(ZipSignature.zip64ExtraID, in: bytes, from: extraStart, length: extraLength) {
                // Only the fields whose 32-bit slot holds the 0xFFFFFFFF sentinel are present, in this order.
                var cursor = zip64.lowerBound
                func widen(_ value: inout UInt64) throws {
                    guard value == 0xFFFF_FFFF else { return }
                    guard cursor + 8 <= zip64.upperBound else {
                        throw site.error(.corruptArchive, "ZIP64 extra field of '\(name)' is too short", offset: position)
                    }
                    value = bytes.u64(cursor)
                    cursor += 8
                }
                try widen(&uncompressedSize)
                try widen(&compressedSize)
                try widen(&localOffset)
            }
            guard let compressed = Int(exactly: compressedSize), let uncompressed = Int(exactly: uncompressedSize),
                  let local = Int(exactly: localOffset)
            else {
                throw site.error(.corruptArchive, "central directory entry '\(name)' has sizes or offset beyond 2^63", offset: position)
            }
            entries.append(ZipEntry(
                name: name, nameBytes: nameBytes,
                flags: bytes.u16(position + 8), method: bytes.u16(position + 10), crc32: bytes.u32(position + 16),
                compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: local,
                centralOffset: position,
                versionMadeBy: bytes.u16(position + 4), externalAttributes: bytes.u32(position + 38)))
            position = next
        }
        return entries
    }

    /// The last end-of-central-directory signature whose comment fits in the file (the comment may hold anything).
    private static func findEndRecord(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let earliest = max(0, bytes.count - 22 - Int(UInt16.max))
        for candidate in stride(from: bytes.count - 22, through: earliest, by: -1)
        where bytes.u32(candidate) == ZipSignature.endOfCentralDirectory {
            if candidate + 22 + Int(bytes.u16(candidate + 20)) <= bytes.count { return candidate }
        }
        return nil
    }

    /// Explains the missing end record: a cut-off ZIP reads very differently from a PNG or a bare .npy.
    private static func missingEndRecordError(_ bytes: UnsafeRawBufferPointer, site: FileFormatErrorSite) -> FileFormatError {
        let head = Array(bytes.prefix(8))
        if head.count >= 4, bytes.u32(0) == ZipSignature.localHeader {
            return site.error(.truncated, "ZIP archive is truncated: it starts with a ZIP header but the end-of-central-directory record is missing (file is \(bytes.count) bytes)", offset: bytes.count)
        }
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            return site.error(.notZip, "not a ZIP (.npz) archive: the file is a PNG image")
        }
        if head.starts(with: NpyArray.magic) {
            return site.error(.notZip, "not a ZIP (.npz) archive: the file is a single .npy array")
        }
        let shown = head.map { String(format: "%02x", $0) }.joined(separator: " ")
        return site.error(.notZip, "not a ZIP (.npz) archive: no end-of-central-directory record found (file is \(bytes.count) bytes, starting with \(shown))")
    }

    /// The data range of the extra field with `id`, if present and well formed.
    private static func findExtraField(_ id: UInt16, in bytes: UnsafeRawBufferPointer, from start: Int, length: Int) -> Range<Int>? {
        var cursor = start
        let end = start + length
        while cursor + 4 <= end {
            let fieldID = bytes.u16(cursor)
            let fieldLength = Int(bytes.u16(cursor + 2))
            let dataStart = cursor + 4
            guard dataStart + fieldLength <= end else { return nil }
            if fieldID == id { return dataStart..<(dataStart + fieldLength) }
            cursor = dataStart + fieldLength
        }
        return nil
    }

    /// Validates the member's local header and data range and returns a stream of its uncompressed bytes.
    func openMember(_ entry: ZipEntry, site: FileFormatErrorSite) throws -> ZipMemberStream {
        let bytes = file.bytes
        let header = entry.localHeaderOffset
        guard entry.flags & 1 == 0 else {
            throw site.error(.unsupported, "member is encrypted; encrypted ZIP archives are not supported", offset: header)
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw site.error(.unsupported, "compression method \(entry.method)\(Self.methodName(entry.method)) is not supported; only stored (0) and deflate (8) are", offset: header)
        }
        guard bytes.contains(header, length: 30) else {
            throw site.error(.truncated, "local header lies beyond the end of the file (\(bytes.count) bytes)", offset: header)
        }
        guard bytes.u32(header) == ZipSignature.localHeader else {
            throw site.error(.corruptArchive, "no local file header signature where the central directory says the member starts", offset: header)
        }
        let nameLength = Int(bytes.u16(header + 26))
        let dataStart = header + 30 + nameLength + Int(bytes.u16(header + 28))
        guard bytes.contains(header + 30, length: nameLength),
              bytes[(header + 30)..<(header + 30 + nameLength)].elementsEqual(entry.nameBytes)
        else {
            throw site.error(.corruptArchive, "local header name does not match the central directory name", offset: header)
        }
        guard bytes.contains(dataStart, length: entry.compressedSize) else {
            throw site.error(.truncated, "member data (\(entry.compressedSize) bytes from offset \(dataStart)) runs past the end of the file (\(bytes.count) bytes)", offset: dataStart)
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + entry.compressedSize)])

        if entry.method == 0 {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw site.error(.corruptArchive, "stored member has compressed size \(entry.compressedSize) but uncompressed size \(entry.uncompressedSize)", offset: entry.centralOffset)
            }
            return ZipMemberStream(file: file, backend: .stored(data), size: entry.uncompressedSize, expectedCRC: entry.crc32, site: site)
        }
        // Deflate cannot expand data by more than 1032:1; a larger claim is corruption, and trusting it would
        // let a tiny hostile file make us allocate arbitrary amounts of memory.
        let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(by: 1032)
        guard overflow || entry.uncompressedSize <= limit + 64 else {
            throw site.error(.corruptArchive, "member declares \(entry.uncompressedSize) uncompressed bytes, impossible for \(entry.compressedSize) bytes of deflate data", offset: entry.centralOffset)
        }
        let inflater = try ZipInflater(input: data, fileOffset: dataStart, site: site)
        return ZipMemberStream(file: file, backend: .deflate(inflater), size: entry.uncompressedSize, expectedCRC: entry.crc32, site: site)
    }

    private static func methodName(_ method: UInt16) -> String {
        switch method {
        case 1: " (shrink)"
        case 6: " (implode)"
        case 9: " (deflate64)"
        case 12: " (bzip2)"
        case 14: " (LZMA)"
        case 93: " (zstd)"
        case 95: " (xz)"
        case 99: " (AES encryption)"
        default: ""
        }
    }
}

/// Member listing and streaming for tools that unpack arbitrary archives (datasets) with the same structure and CRC checks as .npz reading.
extension ZipArchive {
    /// One member as the central directory lists it; the name is exactly as stored, not sanitised.
    public struct Member: Sendable, Equatable {
        /// The stored name decoded as UTF-8; may hold "..", a leading "/" or anything else a hostile archive chose.
        public let name: String
        /// Bytes the member occupies in the archive.
        public let compressedSize: Int
        /// Bytes the member declares it expands to; `readMember` delivers exactly this many or throws.
        public let uncompressedSize: Int
        /// Whether a Unix host recorded the member as a symbolic link (its data is then the link target).
        public let isSymbolicLink: Bool
        /// Position in the central directory, which identifies the member even when names repeat.
        public let index: Int

        /// ZIP tools record folders as names ending in "/".
        public var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// Every member in central-directory order.
    public var members: [Member] {
        entries.enumerated().map { index, entry in
            // The Unix mode sits in the high half of the external attributes when the host is Unix (3) or macOS (19).
            let host = entry.versionMadeBy >> 8
            let mode = entry.externalAttributes >> 16
            let isLink = (host == 3 || host == 19) && mode & 0o170000 == 0o120000
            return Member(name: entry.name, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize,
                          isSymbolicLink: isLink, index: index)
        }
    }

    /// Hands `member`'s uncompressed bytes to `consume` in chunks of at most `chunkSize`, then checks that the data
    /// ends where declared and matches its CRC-32. The chunks arrive before that check: discard them if this throws.
    public func readMember(_ member: Member, chunkSize: Int = 1 << 20,
                           _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(entries.indices.contains(member.index) && entries[member.index].name == member.name,
                     "member '\(member.name)' does not belong to \(path)")
        precondition(chunkSize > 0, "chunkSize must be positive")
        let entry = entries[member.index]
        let stream = try openMember(entry, site: FileFormatErrorSite(path: path, key: entry.name, offset: entry.localHeaderOffset))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, min(chunkSize, entry.uncompressedSize)), alignment: 16)
        defer { buffer.deallocate() }
        var remaining = entry.uncompressedSize
        while remaining > 0 {
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(min(remaining, buffer.count)))
            try stream.read(into: chunk)
            try consume(UnsafeRawBufferPointer(chunk))
            remaining -= chunk.count
        }
        try stream.finish()
    }
}

/// A member's uncompressed bytes, CRC-checked, handed to the npy decoder in large chunks.
final class ZipMemberStream: NpyByteSource {
    enum Backend {
        case stored(UnsafeRawBufferPointer)
        case deflate(ZipInflater)
    }

    /// Keeps the mapping alive while `backend` points into it.
    private let file: MappedFile
    private let backend: Backend
    private let expectedCRC: UInt32
    private let site: FileFormatErrorSite
    private var produced = 0
    private var crc: uLong = 0
    let size: Int

    /// CRC is folded in per chunk while the chunk is still in cache, instead of as a second pass.
    private static let chunkSize = 1 << 22

    init(file: MappedFile, backend: Backend, size: Int, expectedCRC: UInt32, site: FileFormatErrorSite) {
        self.file = file
        self.backend = backend
        self.size = size
        self.expectedCRC = expectedCRC
        self.site = site
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        // The decoder sizes its reads from a header it has checked against `size`; this guard keeps any slip
        // there from reading past the member in the mapped file.
        guard buffer.count <= size - produced else {
            throw site.error(.badNpy, "npy data needs \(buffer.count) more bytes at byte \(produced) of a \(size)-byte member")
        }
        var done = 0
        while done < buffer.count {
            let length = min(buffer.count - done, Self.chunkSize)
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + length)])
            switch backend {
            case .stored(let data):
                chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[produced..<(produced + length)]))
            case .deflate(let inflater):
                try inflater.inflate(into: chunk)
            }
            crc = CZlib.crc32(crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(length))
            done += length
            produced += length
        }
    }

    /// Once all `size` bytes are consumed: the deflate stream must end exactly here and the CRC must match.
    func finish() throws {
        if case .deflate(let inflater) = backend { try inflater.expectEnd(declaredSize: size) }
        let computed = UInt32(truncatingIfNeeded: crc)
        guard computed == expectedCRC else {
            throw site.error(.crcMismatch, "CRC-32 mismatch: the archive records \(hex(expectedCRC)) but the data hashes to \(hex(computed)); the member is corrupt")
        }
    }

    /// Consumes the rest of the member and checks it, so damage is reported in preference to the npy error it caused.
    func verifyRemainder() throws {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        try scratch.withUnsafeMutableBytes { scratch in
            while produced < size {
                try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch.prefix(size - produced)))
            }
        }
        try finish()
    }

    private func hex(_ value: UInt32) -> String { String(format: "0x%08x", value) }
}

/// zlib raw inflate (windowBits -15: ZIP members carry no zlib header) over a member's compressed bytes.
final class ZipInflater {
    /// zlib's internal state points back at the z_stream, so it must never move: heap-allocate it.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeRawBufferPointer
    private let fileOffset: Int
    private let site: FileFormatErrorSite
    private var supplied = 0
    private var ended = false

    init(input: UnsafeRawBufferPointer, fileOffset: Int, site: FileFormatErrorSite) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.input = input
        self.fileOffset = fileOffset
        self.site = site
        let status = inflateInit2_(stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw site.error(.io, "zlib inflateInit2 failed with status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Fills `buffer` completely or throws.
    func inflate(into buffer: UnsafeMutableRawBufferPointer) throws {
        let produced = try run(into: buffer)
        guard produced == buffer.count else {
            throw site.error(.corruptDeflate, "deflate stream ends after \(stream.pointee.total_out) bytes, before the declared uncompressed size", offset: fileOffset + input.count)
        }
    }

    /// Confirms the stream ends exactly after the declared size.
    func expectEnd(declaredSize: Int) throws {
        var probe: UInt8 = 0
        let extra = try withUnsafeMutableBytes(of: &probe) { try run(into: $0) }
        guard extra == 0, ended else {
            throw site.error(.corruptDeflate, "deflate stream holds more than the declared \(declaredSize) uncompressed bytes", offset: fileOffset)
        }
    }

    private func run(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let output = buffer.baseAddress, !ended else { return 0 }
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        while stream.pointee.avail_out > 0, !ended {
            if stream.pointee.avail_in == 0, supplied < input.count, let base = input.baseAddress {
                // avail_in is 32-bit; members over 4 GiB are fed in slices.
                let length = min(input.count - supplied, 1 << 30)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + supplied).assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = uInt(length)
                supplied += length
            }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let position = fileOffset + supplied - Int(stream.pointee.avail_in)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                ended = true
            case Z_BUF_ERROR:
                throw site.error(.corruptDeflate, "deflate data is cut short: the member's \(input.count) compressed bytes end before the deflate stream does", offset: position)
            case Z_MEM_ERROR:
                throw site.error(.io, "zlib ran out of memory while inflating", offset: position)
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                // The offending bits are in the last byte zlib consumed.
                throw site.error(.corruptDeflate, "corrupt deflate stream (\(reason))", offset: max(fileOffset, position - 1))
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
