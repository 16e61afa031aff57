/// A K × N float matrix laid out once for `PackedGEMM`: column panels of `panelWidth`, each
/// panel's K rows contiguous, so a product reads every panel as one forward stream instead of
/// re-packing the matrix on each call as a general GEMM must.
public final class PackedMatrix: @unchecked Sendable {
    /// How the values are stored; the arithmetic is float32 either way.
    public enum Precision: String, Sendable, Codable, CaseIterable {
        /// The values themselves: products as exact as any float32 GEMM's.
        case float32
        /// Rounded to bfloat16 (float32's top 16 bits, 8 significant bits; round to nearest
        /// even): half the bytes to stream, for products that wait on memory, at a relative
        /// error of up to 2⁻⁹ per weight.
        case bfloat16 = "bf16"

        /// Bytes per stored value.
        public var bytes: Int { self == .float32 ? 4 : 2 }
    }

    /// Columns per panel: two AVX-512 vectors, the micro-kernel's width.
    public static let panelWidth = 32
    /// K.
    public let rows: Int
    /// N, a multiple of `panelWidth`.
    public let columns: Int
    /// How the values are stored.
    public let precision: Precision
    /// The panels, one after another; immutable after init. A float32 panel row is its 32
    /// values; a bfloat16 one is 16 words, word j holding column j in its low half and column
    /// j + 16 in its high half, so that a shift and a mask give the two float32 vectors.
    let storage: UnsafeMutableRawPointer

    /// Number of column panels.
    public var panels: Int { columns / Self.panelWidth }

    /// Bytes of one panel row stored at `precision`.
    static func rowBytes(_ precision: Precision) -> Int { panelWidth * precision.bytes }

    /// Packs the row-major matrix at `source` ([rows, columns]); nil when `columns` is not a
    /// positive multiple of `panelWidth`.
    public init?(rowMajor source: UnsafePointer<Float>, rows: Int, columns: Int, precision: Precision = .float32) {
        guard rows > 0, columns > 0, columns % Self.panelWidth == 0 else { return nil }
        let w = Self.panelWidth
        (self.rows, self.columns, self.precision) = (rows, columns, precision)
        storage = UnsafeMutableRawPointer.allocate(byteCount: rows * columns * precision.bytes, alignment: 64)
        for panel in 0..<(columns / w) {
            for k in 0..<rows {
                let from = source + k * columns + panel * w
                switch precision {
                case .float32:
                    (storage.assumingMemoryBound(to: Float.self) + (panel * rows + k) * w).update(from: from, count: w)
                case .bfloat16:
                    let words = storage.assumingMemoryBound(to: UInt32.self) + (panel * rows + k) * (w / 2)
                    for j in 0..<(w / 2) { words[j] = UInt32(Self.bfloat16(from[j])) | UInt32(Self.bfloat16(from[j + w / 2])) << 16 }
                }
            }
        }
    }

    /// Packs the transpose of the row-major float32 matrix at `source` ([columns, rows]): a
    /// panel at a time, so the 32 source rows it reads stay in cache; nil when `columns` is not
    /// a positive multiple of `panelWidth`.
    public init?(transposing source: UnsafePointer<Float>, rows: Int, columns: Int) {
        guard rows > 0, columns > 0, columns % Self.panelWidth == 0 else { return nil }
        let w = Self.panelWidth
        (self.rows, self.columns, self.precision) = (rows, columns, .float32)
        storage = UnsafeMutableRawPointer.allocate(byteCount: rows * columns * MemoryLayout<Float>.stride, alignment: 64)
        let packed = storage.assumingMemoryBound(to: Float.self)
        for panel in 0..<(columns / w) {
            // Panel row k holds source[panel·32 + j, k] for j in 0..<32.
            let from = source + panel * w * rows, to = packed + panel * rows * w
            for j in 0..<w {
                for k in 0..<rows { to[k * w + j] = from[j * rows + k] }
            }
        }
    }

    deinit { storage.deallocate() }

    /// The first byte of panel `index`.
    func panel(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + index * rows * Self.rowBytes(precision)) }

    /// `x` rounded to the nearest bfloat16 (ties to even), as its 16 bits; NaN stays NaN.
    public static func bfloat16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(bits >> 16) | 0x40 }
        return UInt16((bits + 0x7FFF + (bits >> 16 & 1)) >> 16)
    }
}
