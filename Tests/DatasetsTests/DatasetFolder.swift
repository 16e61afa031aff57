import Foundation
import Imaging

/// A small dataset built inside a fresh temporary folder, deleted when the test lets go of it.
final class DatasetFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("DatasetsTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes a PNG whose pixels depend on `seed`, so different seeds give different bytes.
    func png(_ path: String, seed: Int, width: Int = 6, height: Int = 5) throws {
        let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 97) }
        try PNGEncoder.write(RGBImage(width: width, height: height, pixels: pixels), to: file(path))
    }

    /// Writes raw bytes.
    func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: file(path))
    }

    /// Writes UTF-8 text.
    func text(_ path: String, _ content: String) throws {
        try write(path, Array(content.utf8))
    }

    /// Copies `relative` (e.g. "Parasitized/C100P61...png") from the real malaria folder.
    func copyMalaria(_ relative: String, to path: String) throws {
        try FileManager.default.copyItem(at: MalariaData.root().appendingPathComponent(relative), to: file(path))
        // The source is read-only; copies keep its mode, which would stop later edits.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file(path).path)
    }

    /// Creates a folder (and its parents).
    func folder(_ path: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(path), withIntermediateDirectories: true)
    }

    func bytes(_ path: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: url.appendingPathComponent(path))) }

    func move(_ from: String, to: String) throws {
        _ = try file(to)
        try FileManager.default.moveItem(at: url.appendingPathComponent(from), to: url.appendingPathComponent(to))
    }

    /// The URL of `path`, its parent folders created.
    func file(_ path: String) throws -> URL {
        let target = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        return target
    }
}
