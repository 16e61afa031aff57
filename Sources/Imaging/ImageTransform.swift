/// The eight exact, lossless symmetries of a pixel grid (the dihedral group of the square):
/// rotations by multiples of 90° and mirror images. Each is a pure permutation of pixels, so
/// an invariance check measures the model, not interpolation error.
public enum ImageTransform: String, CaseIterable, Sendable, Codable {
    case identity
    /// 90° counter-clockwise (as NumPy's `rot90` and TensorFlow's `rot90`).
    case rotate90
    case rotate180
    /// 270° counter-clockwise, i.e. 90° clockwise.
    case rotate270
    /// Mirror left–right.
    case flipHorizontal
    /// Mirror top–bottom.
    case flipVertical
    /// Mirror about the main diagonal (x ↔ y).
    case transpose
    /// Mirror about the other diagonal.
    case antiTranspose

    /// The transform as an integer matrix acting on pixel coordinates centred on the image
    /// (x to the right, y down): (x, y) ↦ (a·x + b·y, c·x + d·y).
    var matrix: (a: Int, b: Int, c: Int, d: Int) {
        switch self {
        case .identity: return (1, 0, 0, 1)
        case .rotate90: return (0, 1, -1, 0)
        case .rotate180: return (-1, 0, 0, -1)
        case .rotate270: return (0, -1, 1, 0)
        case .flipHorizontal: return (-1, 0, 0, 1)
        case .flipVertical: return (1, 0, 0, -1)
        case .transpose: return (0, 1, 1, 0)
        case .antiTranspose: return (0, -1, -1, 0)
        }
    }

    init(matrix m: (a: Int, b: Int, c: Int, d: Int)) {
        self = Self.allCases.first { $0.matrix == m }!
    }

    /// `other` applied after this transform.
    public func then(_ other: ImageTransform) -> ImageTransform {
        let p = matrix, q = other.matrix
        return ImageTransform(matrix: (q.a * p.a + q.b * p.c, q.a * p.b + q.b * p.d,
                                       q.c * p.a + q.d * p.c, q.c * p.b + q.d * p.d))
    }

    /// The transform that undoes this one.
    public var inverse: ImageTransform {
        let m = matrix
        return ImageTransform(matrix: (m.a, m.c, m.b, m.d))  // orthogonal: the inverse is the transpose
    }

    /// True when width and height trade places.
    public var swapsAxes: Bool { matrix.a == 0 }

    /// The transformed image: every pixel moved, none changed.
    public func apply(_ image: RGBImage) -> RGBImage {
        if self == .identity { return image }
        let (w, h) = (image.width, image.height)
        let (ow, oh) = swapsAxes ? (h, w) : (w, h)
        let m = matrix
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        // Doubled centred coordinates stay integers for even and odd sizes.
                        let u = 2 * ox - (ow - 1), v = 2 * oy - (oh - 1)
                        let sx = (m.a * u + m.c * v + w - 1) / 2, sy = (m.b * u + m.d * v + h - 1) / 2
                        let s = (sy * w + sx) * 3, o = (oy * ow + ox) * 3
                        dst[o] = src[s]
                        dst[o + 1] = src[s + 1]
                        dst[o + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }
}
