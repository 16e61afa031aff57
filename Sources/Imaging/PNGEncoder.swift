import AtomicWrite
import Foundation
internal import CCodecs

/// Encodes 8-bit PNGs with libpng (zlib's default compression, adaptive filtering).
public enum PNGEncoder {
    /// The PNG file bytes of `image`, as 8-bit RGB.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        try encode(image.pixels, width: image.width, height: image.height, channels: 3, name: "RGB image")
    }

    /// The PNG file bytes of `width * height` interleaved 8-bit RGBA pixels, row-major.
    public static func encodeRGBA(_ pixels: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        try encode(pixels, width: width, height: height, channels: 4, name: "RGBA image")
    }

    /// Writes `image` to `url` so that readers see either the old file or the complete new one.
    public static func write(_ image: RGBImage, to url: URL) throws {
        let bytes = try encode(image)
        do { try AtomicFile.replace(url, with: bytes) } catch let e as FileWriteError {
            throw ImageError(file: e.file, kind: .unwritable, reason: e.reason)
        }
    }

    private static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, name: String) throws -> [UInt8] {
        guard let width32 = UInt32(exactly: width), let height32 = UInt32(exactly: height),
            pixels.count == width * height * channels
        else {
            throw ImageError(
                file: name, kind: .encodingFailed,
                reason: "\(pixels.count) bytes do not make a \(width)x\(height) image of \(channels) channels")
        }
        var message = [CChar](repeating: 0, count: 256)
        var png: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = pixels.withUnsafeBufferPointer { source in
            ccodecs_png_encode(source.baseAddress, width32, height32, UInt32(channels), &png, &size, &message, message.count)
        }
        guard status == CCODECS_OK, let png else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError(file: name, kind: .encodingFailed, reason: "libpng: \(reason)")
        }
        defer { ccodecs_free(png) }
        return [UInt8](UnsafeBufferPointer(start: png, count: size))
    }
}
