internal import CCodecs

/// Encodes baseline JPEGs with libjpeg (4:2:0 chroma, accurate integer DCT, standard Huffman tables).
public enum JPEGEncoder {
    /// The JPEG file bytes of `image` at `quality` (1...100, libjpeg's scale).
    public static func encode(_ image: RGBImage, quality: Int) throws -> [UInt8] {
        let name = "JPEG at quality \(quality)"
        guard (1...100).contains(quality) else {
            throw ImageError(file: name, kind: .encodingFailed, reason: "quality \(quality) is outside 1...100")
        }
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw ImageError(file: name, kind: .encodingFailed, reason: "a \(image.width)x\(image.height) image is too large for JPEG")
        }
        var message = [CChar](repeating: 0, count: 256)
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = image.pixels.withUnsafeBufferPointer { source in
            ccodecs_jpeg_encode(source.baseAddress, width, height, Int32(quality), &jpeg, &size, &message, message.count)
        }
        guard status == CCODECS_OK, let jpeg else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError(file: name, kind: .encodingFailed, reason: "libjpeg: \(reason)")
        }
        defer { ccodecs_free(jpeg) }
        return [UInt8](UnsafeBufferPointer(start: jpeg, count: size))
    }
}
