/// A K × N float matrix laid out once for `PackedGEMM`: column panels of `panelWidth`, each
/// panel's K rows of `panelWidth` values contiguous, so a product reads every panel as one
/// forward stream instead of re-packing the matrix on each call as a general GEMM must.
public final class PackedMatrix: @unchecked Sendable {
    /// Columns per panel: two AVX-512 vectors, the micro-kernel's width.
    public static let panelWidth = 32
    /// K.
    public let rows: Int
    /// N, a multiple of `panelWidth`.
    public let columns: Int
    /// The panels, one after another; immutable after init.
    let storage: UnsafeMutablePointer<Float>

    /// Number of column panels.
    public var panels: Int { columns / Self.panelWidth }

    /// Packs the row-major matrix at `source` ([rows, columns]); nil when `columns` is not a
    /// positive multiple of `panelWidth`.
    public init?(rowMajor source: UnsafePointer<Float>, rows: Int, columns: Int) {
        guard rows > 0, columns > 0, columns % Self.panelWidth == 0 else { return nil }
        let w = Self.panelWidth
        (self.rows, self.columns) = (rows, columns)
        storage = UnsafeMutableRawPointer.allocate(byteCount: rows * columns * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: rows * columns)
        for panel in 0..<(columns / w) {
            for k in 0..<rows {
                (storage + (panel * rows + k) * w).update(from: source + k * columns + panel * w, count: w)
            }
        }
    }

    deinit { storage.deallocate() }

    /// The first value of panel `index`.
    func panel(_ index: Int) -> UnsafePointer<Float> { UnsafePointer(storage + index * rows * Self.panelWidth) }
}
