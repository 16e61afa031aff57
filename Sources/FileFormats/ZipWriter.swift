import AtomicWrite
import CZlib
import Foundation

/// Streams a ZIP archive of stored members into a temporary file beside the destination; `finish()` gives it the
/// final name durably (`AtomicFileWriter`), so readers never see a half-written archive.
final class ZipWriter {
    /// Values at or above these limits are written in ZIP64 form. The defaults are the format's real limits;
    /// tests lower them to exercise ZIP64 without writing 4 GiB.
    struct Zip64Thresholds: Sendable {
        var fieldLimit: UInt64 = 0xFFFF_FFFF
        var entryLimit: Int = 0xFFFF

        static let standard = Zip64Thresholds()
    }

    private struct CentralRecord {
        var nameBytes: [UInt8]
        var flags: UInt16
        var crc32: UInt32
        var size: Int
        var localOffset: Int
    }

    private let file: AtomicFileWriter
    private let thresholds: Zip64Thresholds
    private let site: FileFormatErrorSite
    private var records: [CentralRecord] = []
    /// Small writes are coalesced; large data chunks bypass this buffer.
    private var pending: [UInt8] = []
    private static let pendingCapacity = 1 << 20
    /// Bytes handed to `emit` so far, i.e. the archive offset of the next byte.
    private var offset = 0

    /// Fixed timestamp (1980-01-01 00:00, the DOS epoch) so identical arrays give byte-identical files.
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (1 << 5) | 1

    init(destination url: URL, zip64Thresholds: Zip64Thresholds = .standard) throws {
        site = FileFormatErrorSite(path: url.path(percentEncoded: false))
        thresholds = zip64Thresholds
        file = try site.writing { () throws(FileWriteError) in try AtomicFileWriter(destination: url) }
        pending.reserveCapacity(Self.pendingCapacity)
    }

    /// Adds a stored member of exactly `size` bytes, which `body` supplies through the `write` callback.
    func addStoredMember(name: String, size: Int, body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= Int(UInt16.max) else {
            throw site.error(.unsupported, "member name is \(nameBytes.count) bytes; ZIP allows at most 65535", offset: offset)
        }
        let localOffset = offset
        let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 1 << 11  // bit 11: name is UTF-8
        let large = UInt64(size) >= thresholds.fieldLimit

        var header: [UInt8] = []
        header.appendLittleEndian(ZipSignature.localHeader)
        header.appendLittleEndian(UInt16(large ? 45 : 20))
        header.appendLittleEndian(flags)
        header.appendLittleEndian(UInt16(0))  // stored
        header.appendLittleEndian(Self.dosTime)
        header.appendLittleEndian(Self.dosDate)
        header.appendLittleEndian(UInt32(0))  // CRC-32, patched once the data has streamed past
        header.appendLittleEndian(large ? UInt32.max : UInt32(size))
        header.appendLittleEndian(large ? UInt32.max : UInt32(size))
        header.appendLittleEndian(UInt16(nameBytes.count))
        header.appendLittleEndian(UInt16(large ? 20 : 0))
        header += nameBytes
        if large {
            header.appendLittleEndian(ZipSignature.zip64ExtraID)
            header.appendLittleEndian(UInt16(16))
            header.appendLittleEndian(UInt64(size))
            header.appendLittleEndian(UInt64(size))
        }
        try header.withUnsafeBytes { try emit($0) }

        var crc: uLong = 0
        var written = 0
        try body { bytes in
            var done = 0
            while done < bytes.count {
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[done..<min(bytes.count, done + (1 << 22))])
                crc = CZlib.crc32(crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk.count))
                try emit(chunk)
                done += chunk.count
            }
            written += bytes.count
        }
        precondition(written == size, "member '\(name)' declared \(size) bytes but supplied \(written)")

        let checksum = UInt32(truncatingIfNeeded: crc)
        try flush()
        try site.writing { () throws(FileWriteError) in
            try withUnsafeBytes(of: checksum.littleEndian) { (field) throws(FileWriteError) in
                try file.write(field, at: localOffset + 14)
            }
        }
        records.append(CentralRecord(nameBytes: nameBytes, flags: flags, crc32: checksum, size: size, localOffset: localOffset))
    }

    /// Writes the central directory and end records, then puts the file in place of the destination.
    func finish() throws {
        let directoryOffset = offset
        for record in records { try emitCentralRecord(record) }
        let directorySize = offset - directoryOffset

        let limit = thresholds.fieldLimit
        let manyEntries = records.count >= thresholds.entryLimit
        let farDirectory = UInt64(directoryOffset) >= limit
        let bigDirectory = UInt64(directorySize) >= limit
        var end: [UInt8] = []
        if manyEntries || farDirectory || bigDirectory {
            let recordOffset = offset
            end.appendLittleEndian(ZipSignature.zip64EndOfCentralDirectory)
            end.appendLittleEndian(UInt64(44))  // size of the rest of this record
            end.appendLittleEndian(UInt16(3 << 8 | 45))
            end.appendLittleEndian(UInt16(45))
            end.appendLittleEndian(UInt32(0))  // this disk
            end.appendLittleEndian(UInt32(0))  // disk holding the central directory
            end.appendLittleEndian(UInt64(records.count))
            end.appendLittleEndian(UInt64(records.count))
            end.appendLittleEndian(UInt64(directorySize))
            end.appendLittleEndian(UInt64(directoryOffset))
            end.appendLittleEndian(ZipSignature.zip64Locator)
            end.appendLittleEndian(UInt32(0))
            end.appendLittleEndian(UInt64(recordOffset))
            end.appendLittleEndian(UInt32(1))  // total disks
        }
        end.appendLittleEndian(ZipSignature.endOfCentralDirectory)
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(0))
        let entries16 = manyEntries ? UInt16.max : UInt16(records.count)
        end.appendLittleEndian(entries16)
        end.appendLittleEndian(entries16)
        end.appendLittleEndian(bigDirectory ? UInt32.max : UInt32(directorySize))
        end.appendLittleEndian(farDirectory ? UInt32.max : UInt32(directoryOffset))
        end.appendLittleEndian(UInt16(0))  // comment length
        try end.withUnsafeBytes { try emit($0) }
        try flush()

        try site.writing { () throws(FileWriteError) in try file.commit() }
    }

    private func emitCentralRecord(_ record: CentralRecord) throws {
        let limit = thresholds.fieldLimit
        let large = UInt64(record.size) >= limit
        let farOffset = UInt64(record.localOffset) >= limit
        var extra: [UInt8] = []
        if large || farOffset {
            extra.appendLittleEndian(ZipSignature.zip64ExtraID)
            extra.appendLittleEndian(UInt16((large ? 16 : 0) + (farOffset ? 8 : 0)))
            if large {
                extra.appendLittleEndian(UInt64(record.size))  // uncompressed
                extra.appendLittleEndian(UInt64(record.size))  // compressed
            }
            if farOffset { extra.appendLittleEndian(UInt64(record.localOffset)) }
        }
        let version = UInt16(extra.isEmpty ? 20 : 45)
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(ZipSignature.centralHeader)
        bytes.appendLittleEndian(UInt16(3 << 8) | version)  // made by Unix, so unzip honours the permissions
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(record.flags)
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(Self.dosTime)
        bytes.appendLittleEndian(Self.dosDate)
        bytes.appendLittleEndian(record.crc32)
        bytes.appendLittleEndian(large ? UInt32.max : UInt32(record.size))
        bytes.appendLittleEndian(large ? UInt32.max : UInt32(record.size))
        bytes.appendLittleEndian(UInt16(record.nameBytes.count))
        bytes.appendLittleEndian(UInt16(extra.count))
        bytes.appendLittleEndian(UInt16(0))  // comment length
        bytes.appendLittleEndian(UInt16(0))  // disk number
        bytes.appendLittleEndian(UInt16(0))  // internal attributes
        bytes.appendLittleEndian(UInt32(0o100644) << 16)  // regular file, rw-r--r--
        bytes.appendLittleEndian(farOffset ? UInt32.max : UInt32(record.localOffset))
        bytes += record.nameBytes
        bytes += extra
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        offset += bytes.count
        if pending.count + bytes.count <= Self.pendingCapacity {
            pending.append(contentsOf: bytes)
            return
        }
        try flush()
        if bytes.count >= Self.pendingCapacity {
            try writeAll(bytes)
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try writeAll($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        try site.writing { () throws(FileWriteError) in try file.write(bytes) }
    }
}

fileprivate extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
