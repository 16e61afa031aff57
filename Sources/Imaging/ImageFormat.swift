/// The formats `ImageDecoder` understands, recognised by their magic bytes.
enum ImageFormat {
    case png
    case jpeg

    /// Only the leading bytes count: file extensions are often wrong.
    init?(sniffing bytes: [UInt8]) {
        // Four bytes of the eight-byte signature, so that a truncated signature
        // reaches libpng and is reported as truncated rather than as unknown.
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8]) {  // SOI marker
            self = .jpeg
        } else {
            return nil
        }
    }

    var name: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        }
    }
}
