import Foundation

/// Decodes PNG and JPEG files to 8-bit RGB, recognising the format by content.
///
/// Reduction rules (shared with the fixtures made by Pillow):
/// - 16-bit PNG samples keep their high byte, as Pillow does.
/// - Alpha, including PNG tRNS transparency, is composited on black, the background of
///   the cell images: `out = round(c * a / 255)`, computed as `(c * a + 127) / 255`.
/// - CMYK/YCCK JPEGs become `R = round((255 - C) * (255 - K) / 255)` (G from M, B from Y),
///   with stored samples read as inverted inks (Photoshop's polarity) even without an
///   Adobe marker, as Pillow does.
/// - JPEGs use libjpeg's accurate integer IDCT and fancy upsampling, Pillow's defaults.
/// - Gamma, colour profiles and EXIF orientation are ignored, as Pillow ignores them.
///
/// Any truncation or corruption is an error, never a partially filled image. Decoding
/// keeps no shared state, so any number of threads may decode at once.
public enum ImageDecoder {
    /// Reads and decodes the PNG or JPEG file at `url`.
    public static func decode(contentsOf url: URL, limits: DecodeLimits = .default) throws -> RGBImage {
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: url))
        } catch {
            throw ImageError(file: url.path, kind: .unreadable, reason: "cannot read file: \(error.localizedDescription)")
        }
        return try decode(bytes, name: url.path, limits: limits)
    }

    /// Decodes PNG or JPEG `bytes`; `name` identifies them in errors.
    public static func decode(_ bytes: [UInt8], name: String, limits: DecodeLimits = .default) throws -> RGBImage {
        guard !bytes.isEmpty else {
            throw ImageError(file: name, kind: .unsupportedFormat, reason: "empty file")
        }
        guard let format = ImageFormat(sniffing: bytes) else {
            let start = bytes.prefix(8).map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return byte < 0x10 ? "0" + hex : hex
            }.joined(separator: " ")
            throw ImageError(file: name, kind: .unsupportedFormat, reason: "not a PNG or JPEG file (starts with \(start))")
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            let decoder = try NativeDecoder(format: format, bytes: buffer, file: name)
            let (width, height) = try decoder.readHeader()
            try limits.check(width: width, height: height, file: name)
            // Never empty: libpng and libjpeg both reject zero-sized images in the header.
            let count = width * height * 3
            let pixels = try [UInt8](unsafeUninitializedCapacity: count) { rgb, initialized in
                try decoder.readRGB(into: rgb.baseAddress!)
                initialized = count
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }
    }
}
