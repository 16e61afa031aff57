import Foundation

/// Named arrays stored as an .npz file: a ZIP archive with one "<key>.npy" member per array.
public struct NpzArchive: Sendable {
    /// Keys in archive (insertion) order, without the ".npy" suffix.
    public private(set) var keys: [String] = []
    private var arrays: [NpyArray] = []
    private var positions: [String: Int] = [:]

    /// An empty archive, for building one to write.
    public init() {}

    /// The array stored under `key`, if any.
    public subscript(key: String) -> NpyArray? {
        positions[key].map { arrays[$0] }
    }

    /// Stores `array` under `key`; an existing key keeps its position and gets the new array.
    public mutating func set(_ array: NpyArray, forKey key: String) {
        if let position = positions[key] {
            arrays[position] = array
        } else {
            positions[key] = keys.count
            keys.append(key)
            arrays.append(array)
        }
    }

    /// Reads every array in the .npz at `url`, checking ZIP structure, CRCs and npy headers.
    public static func read(contentsOf url: URL) throws -> NpzArchive {
        let zip = try ZipArchive(url: url)
        let members = try arrayMembers(of: zip)
        var archive = NpzArchive()
        for (key, entry) in members {
            let site = FileFormatErrorSite(path: zip.path, key: key, offset: entry.localHeaderOffset)
            let stream = try zip.openMember(entry, site: site)
            let array: NpyArray
            do {
                array = try NpyArray.decode(from: stream, site: site)
            } catch let error as FileFormatError where error.kind == .badNpy || error.kind == .unsupported {
                // A garbled header is usually a symptom of a damaged member; report the damage if there is any.
                try stream.verifyRemainder()
                throw error
            }
            try stream.finish()
            archive.set(array, forKey: key)
        }
        return archive
    }

    /// Maps members to keys, rejecting duplicates and non-array members before any data is decoded.
    private static func arrayMembers(of zip: ZipArchive) throws -> [(key: String, entry: ZipEntry)] {
        var members: [(key: String, entry: ZipEntry)] = []
        var firstOffset: [String: Int] = [:]
        for entry in zip.entries {
            // Some zip tools record folders; they carry no data and are harmless.
            if entry.name.hasSuffix("/"), entry.uncompressedSize == 0 { continue }
            guard entry.name.hasSuffix(".npy") else {
                throw FileFormatError(.unsupported, path: zip.path, key: entry.name, offset: entry.localHeaderOffset,
                                      message: "member is not an .npy array; an .npz archive holds only <key>.npy members")
            }
            let key = String(entry.name.dropLast(4))
            if let first = firstOffset[key] {
                throw FileFormatError(.duplicateKey, path: zip.path, key: key, offset: entry.localHeaderOffset,
                                      message: "key appears more than once (first member at byte offset \(first)); refusing to guess which array is meant")
            }
            firstOffset[key] = entry.localHeaderOffset
            members.append((key, entry))
        }
        return members
    }

    /// Writes the arrays as stored members, atomically replacing any file at `url`.
    public func write(to url: URL) throws {
        try write(to: url, zip64Thresholds: .standard)
    }

    /// `zip64Thresholds` exists so tests can force the ZIP64 paths with small files.
    func write(to url: URL, zip64Thresholds: ZipWriter.Zip64Thresholds) throws {
        let writer = try ZipWriter(destination: url, zip64Thresholds: zip64Thresholds)
        for (key, array) in zip(keys, arrays) {
            let header = array.npyHeader()
            try writer.addStoredMember(name: key + ".npy", size: header.count + array.dataByteCount) { write in
                try header.withUnsafeBytes { try write($0) }
                try array.withUnsafeDataBytes { try write($0) }
            }
        }
        try writer.finish()
    }
}
