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
        let reader = try NpzReader(contentsOf: url)
        var archive = NpzArchive()
        for key in reader.keys {
            if let array = try reader.array(key) { archive.set(array, forKey: key) }
        }
        return archive
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
