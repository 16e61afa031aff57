internal import CCodecs

/// Owns one CCodecs decoder for the span of a single decode; the input bytes must
/// outlive it, which `ImageDecoder` guarantees by decoding inside `withUnsafeBufferPointer`.
struct NativeDecoder: ~Copyable {
    private let format: ImageFormat
    private let handle: OpaquePointer
    private let file: String

    init(format: ImageFormat, bytes: UnsafeBufferPointer<UInt8>, file: String) throws {
        let opened =
            switch format {
            case .png: ccodecs_png_open(bytes.baseAddress, bytes.count)
            case .jpeg: ccodecs_jpeg_open(bytes.baseAddress, bytes.count)
            }
        guard let opened else {
            throw ImageError(file: file, kind: .decodingFailed, reason: "out of memory creating the \(format.name) decoder")
        }
        self.format = format
        self.handle = opened
        self.file = file
    }

    deinit {
        switch format {
        case .png: ccodecs_png_close(handle)
        case .jpeg: ccodecs_jpeg_close(handle)
        }
    }

    func readHeader() throws -> (width: Int, height: Int) {
        var width: UInt32 = 0
        var height: UInt32 = 0
        let status =
            switch format {
            case .png: ccodecs_png_read_header(handle, &width, &height)
            case .jpeg: ccodecs_jpeg_read_header(handle, &width, &height)
            }
        try check(status)
        return (Int(width), Int(height))
    }

    /// `rgb` must hold `width * height * 3` bytes of the size `readHeader` returned.
    func readRGB(into rgb: UnsafeMutablePointer<UInt8>) throws {
        let status =
            switch format {
            case .png: ccodecs_png_read_rgb(handle, rgb)
            case .jpeg: ccodecs_jpeg_read_rgb(handle, rgb)
            }
        try check(status)
    }

    private func check(_ status: Int32) throws {
        guard status != CCODECS_OK else { return }
        let message =
            switch format {
            case .png: ccodecs_png_message(handle)
            case .jpeg: ccodecs_jpeg_message(handle)
            }
        let reason = message.map { String(cString: $0) } ?? "unknown error"
        throw ImageError(file: file, kind: .decodingFailed, reason: "invalid \(format.name): \(reason)")
    }
}
