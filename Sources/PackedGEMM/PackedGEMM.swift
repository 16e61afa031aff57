import CProcessorHints

/// C = A · B for a pre-packed B, with an AVX-512 micro-kernel: made for thin products (a few
/// rows of A against a large B, e.g. one image's activations against a convolution kernel),
/// where a general GEMM spends its time packing B on every call.
///
/// This module is compiled for AVX-512: call it only on CPUs that have it (the engine checks
/// before it packs anything).
public enum PackedGEMM {
    /// Rows of A per micro-kernel call: 8 rows × 2 vectors = 16 accumulators, leaving registers
    /// for the two B vectors and the broadcast.
    public static let blockRows = 8

    /// How far ahead of its reads the kernel asks for B, in bytes: B streams from memory once
    /// per product and the hardware prefetcher stops at every 4 KiB page.
    static let prefetchDistance = 4096

    /// C[0..<m, columns of `panels`] = A[m, K] · B[:, columns of `panels`], added to C when
    /// `accumulate`: one worker's share of a product whose panels are split across workers.
    public static func multiply(
        _ a: UnsafePointer<Float>, rows m: Int, lda: Int, by b: PackedMatrix, panels: Range<Int>,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        precondition(panels.lowerBound >= 0 && panels.upperBound <= b.panels && lda >= b.rows && ldc >= b.columns)
        for p in panels {
            // Every row block reuses the panel, from L2 after the first one streamed it in.
            for i in stride(from: 0, to: m, by: blockRows) {
                let (a, rows, c) = (a + i * lda, min(blockRows, m - i), c + i * ldc + p * PackedMatrix.panelWidth)
                switch b.precision {
                case .float32:
                    kernel(Float32Rows.self, a, lda: lda, rows: rows, panel: b.panel(p), depth: b.rows, c: c, ldc: ldc, accumulate: accumulate)
                case .bfloat16:
                    kernel(BFloat16Rows.self, a, lda: lda, rows: rows, panel: b.panel(p), depth: b.rows, c: c, ldc: ldc, accumulate: accumulate)
                }
            }
        }
    }

    /// How the micro-kernel reads a panel row's 32 values as two float32 vectors.
    protocol PanelRows {
        /// The storage these rows read.
        static var precision: PackedMatrix.Precision { get }
        /// Columns 0..<16 and 16..<32 of the row at `row`.
        static func load(_ row: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>)
    }

    /// float32 rows: two vector loads.
    enum Float32Rows: PanelRows {
        static var precision: PackedMatrix.Precision { .float32 }
        @inline(__always) static func load(_ row: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
            (row.loadUnaligned(as: SIMD16<Float>.self), row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
        }
    }

    /// bfloat16 rows: one vector load, then a shift (low halves) and a mask (high halves)
    /// make the two float32 vectors; a bfloat16 is a float32's top 16 bits.
    enum BFloat16Rows: PanelRows {
        static var precision: PackedMatrix.Precision { .bfloat16 }
        @inline(__always) static func load(_ row: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
            let words = row.loadUnaligned(as: SIMD16<UInt32>.self)
            return (unsafeBitCast(words &<< 16, to: SIMD16<Float>.self),
                    unsafeBitCast(words & SIMD16(repeating: 0xFFFF_0000), to: SIMD16<Float>.self))
        }
    }

    /// C[rows, 32] (+)= A[rows, depth] · panel[depth, 32] for rows ≤ 8, in registers throughout.
    /// Fewer than 8 rows repeat the last row's reads and drop its extra results.
    @inline(never)
    static func kernel<Row: PanelRows>(
        _: Row.Type, _ a: UnsafePointer<Float>, lda: Int, rows: Int, panel: UnsafeRawPointer, depth: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let last = rows - 1
        let a0 = a, a1 = a + min(1, last) * lda, a2 = a + min(2, last) * lda, a3 = a + min(3, last) * lda
        let a4 = a + min(4, last) * lda, a5 = a + min(5, last) * lda, a6 = a + min(6, last) * lda, a7 = a + min(7, last) * lda
        typealias V = SIMD16<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        var bp = panel
        let rowBytes = PackedMatrix.rowBytes(Row.precision)
        for k in 0..<depth {
            let (b0, b1) = Row.load(bp)
            for line in stride(from: 0, to: rowBytes, by: 64) { mc_prefetch(bp + prefetchDistance + line) }
            bp += rowBytes
            var x = V(repeating: a0[k]); c00.addProduct(b0, x); c01.addProduct(b1, x)
            x = V(repeating: a1[k]); c10.addProduct(b0, x); c11.addProduct(b1, x)
            x = V(repeating: a2[k]); c20.addProduct(b0, x); c21.addProduct(b1, x)
            x = V(repeating: a3[k]); c30.addProduct(b0, x); c31.addProduct(b1, x)
            x = V(repeating: a4[k]); c40.addProduct(b0, x); c41.addProduct(b1, x)
            x = V(repeating: a5[k]); c50.addProduct(b0, x); c51.addProduct(b1, x)
            x = V(repeating: a6[k]); c60.addProduct(b0, x); c61.addProduct(b1, x)
            x = V(repeating: a7[k]); c70.addProduct(b0, x); c71.addProduct(b1, x)
        }
        PackedGEMM.store(rows: rows, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71,
                         into: c, ldc: ldc, accumulate: accumulate)
    }

    /// Writes (or adds) a micro-kernel's 8 × 32 block of C held in 16 registers, rows 0..<`rows` of it.
    @inline(__always)
    static func store(
        rows: Int, _ c00: SIMD16<Float>, _ c01: SIMD16<Float>, _ c10: SIMD16<Float>, _ c11: SIMD16<Float>,
        _ c20: SIMD16<Float>, _ c21: SIMD16<Float>, _ c30: SIMD16<Float>, _ c31: SIMD16<Float>,
        _ c40: SIMD16<Float>, _ c41: SIMD16<Float>, _ c50: SIMD16<Float>, _ c51: SIMD16<Float>,
        _ c60: SIMD16<Float>, _ c61: SIMD16<Float>, _ c70: SIMD16<Float>, _ c71: SIMD16<Float>,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        typealias V = SIMD16<Float>
        @inline(__always) func row(_ i: Int, _ v0: V, _ v1: V) {
            guard i < rows else { return }
            let q = UnsafeMutableRawPointer(c + i * ldc)
            let (s0, s1) = accumulate
                ? (v0 + q.loadUnaligned(as: V.self), v1 + q.loadUnaligned(fromByteOffset: 64, as: V.self)) : (v0, v1)
            q.storeBytes(of: s0, as: V.self)
            q.storeBytes(of: s1, toByteOffset: 64, as: V.self)
        }
        row(0, c00, c01); row(1, c10, c11); row(2, c20, c21); row(3, c30, c31)
        row(4, c40, c41); row(5, c50, c51); row(6, c60, c61); row(7, c70, c71)
    }
}
