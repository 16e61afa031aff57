import Foundation

/// An .npz opened for selective reading: the directory is read at once, each member's npy header on request
/// (inflating only its first bytes), and a member's data only when that member is decoded. A caller that knows
/// which keys and shapes it can hold refuses a hostile or mistaken file before any large member is inflated.
public struct NpzReader {
    private let zip: ZipArchive
    private let entries: [String: ZipEntry]
    /// Keys in archive order, without the ".npy" suffix.
    public let keys: [String]

    /// The file, as errors name it.
    public var path: String { zip.path }

    /// Maps the .npz at `url` and reads its directory, refusing duplicate keys and non-array members.
    public init(contentsOf url: URL) throws {
        zip = try ZipArchive(url: url)
        var entries: [String: ZipEntry] = [:]
        var keys: [String] = []
        for entry in zip.entries {
            // Some zip tools record folders; they carry no data and are harmless.
            if entry.name.hasSuffix("/"), entry.uncompressedSize == 0 { continue }
            guard entry.name.hasSuffix(".npy") else {
                throw FileFormatError(.unsupported, path: zip.path, key: entry.name, offset: entry.localHeaderOffset,
                                      message: "member is not an .npy array; an .npz archive holds only <key>.npy members")
            }
            let key = String(entry.name.dropLast(4))
            if let first = entries[key] {
                throw FileFormatError(.duplicateKey, path: zip.path, key: key, offset: entry.localHeaderOffset,
                                      message: "key appears more than once (first member at byte offset \(first.localHeaderOffset)); refusing to guess which array is meant")
            }
            entries[key] = entry
            keys.append(key)
        }
        self.entries = entries
        self.keys = keys
    }

    /// The npy header of `key`'s member, nil when there is no such key. Only the header bytes are inflated; the
    /// declared shape and dtype are checked to fill exactly the member's declared size.
    public func header(_ key: String) throws -> NpyHeader? {
        guard let (stream, site) = try open(key) else { return nil }
        return try readHeader(from: stream, site: site)
    }

    /// Decodes `key`'s member, nil when there is no such key. `accept` sees the header before any data is
    /// inflated and throws to refuse it; the data must then fill the declared size exactly and match its CRC.
    public func array(_ key: String, accept: (NpyHeader) throws -> Void = { _ in }) throws -> NpyArray? {
        guard let (stream, site) = try open(key) else { return nil }
        let header = try readHeader(from: stream, site: site)
        try accept(header)
        let array = try NpyArray.decodeData(header, from: stream)
        try stream.finish()
        return array
    }

    private func open(_ key: String) throws -> (ZipMemberStream, FileFormatErrorSite)? {
        guard let entry = entries[key] else { return nil }
        let site = FileFormatErrorSite(path: zip.path, key: key, offset: entry.localHeaderOffset)
        return (try zip.openMember(entry, site: site), site)
    }

    private func readHeader(from stream: ZipMemberStream, site: FileFormatErrorSite) throws -> NpyHeader {
        let parsed: (NpyHeader, dataBytes: Int)
        do {
            parsed = try NpyArray.parseHeader(from: stream, site: site)
        } catch let error as FileFormatError where error.kind == .badNpy || error.kind == .unsupported {
            // A garbled header is usually a symptom of a damaged member; report the damage if there is any.
            try stream.verifyRemainder()
            throw error
        }
        // A readable header whose shape does not fill the declared size is refused as it is: checking the rest
        // for damage would inflate all the size a hostile directory declares.
        try NpyArray.checkDataSize(parsed.0, dataBytes: parsed.dataBytes, site: site)
        return parsed.0
    }
}
