/// C = Aᵀ · B for row-major A [M, K] and B [M, N] with M large and K, N small: a convolution's
/// weight gradient (patchesᵀ · dy), read straight from both matrices. Each step of the sum over
/// M is one row of A (8 values, broadcast) against one row of B (32 values), so neither needs
/// packing: OpenBLAS packs both on every call, a fifth of its time at a small model's shapes.
///
/// Compiled for AVX-512, as `PackedGEMM`: call it only on CPUs that have it.
public enum TransposedProduct {
    /// Columns of C per micro-kernel call: two AVX-512 vectors.
    public static let blockColumns = 32
    /// Rows of C per micro-kernel call: 8 × 2 vectors = 16 accumulators.
    static let blockRows = 8
    /// Rows of A and B per pass over C's blocks: B's 32-column strip of them (16 KiB) stays in
    /// L1 while every row block of C reads it, A's rows in L2.
    static let chunkRows = 128

    /// C[K, N] (+)= A[0..<m, 0..<K]ᵀ · B[0..<m, 0..<N], added to C when `accumulate`; N must be a
    /// multiple of `blockColumns`. The sum over M runs in order, chunk by chunk, so the result
    /// does not depend on how callers split anything else.
    public static func multiply(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, rows m: Int, k: Int, n: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        precondition(m >= 0 && k > 0 && n % blockColumns == 0 && lda >= k && ldb >= n && ldc >= n)
        if m == 0 {
            if !accumulate { for i in 0..<k { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        for start in stride(from: 0, to: m, by: chunkRows) {
            let depth = min(chunkRows, m - start), add = accumulate || start > 0
            for j in stride(from: 0, to: n, by: blockColumns) {
                for i in stride(from: 0, to: k, by: blockRows) {
                    kernel(a + start * lda + i, lda: lda, rows: min(blockRows, k - i), b + start * ldb + j, ldb: ldb, depth: depth,
                           c: c + i * ldc + j, ldc: ldc, accumulate: add)
                }
            }
        }
    }

    /// C[rows, 32] (+)= Σ over `depth` steps of A's row (`rows` ≤ 8 values) ⊗ B's row (32 values),
    /// in registers throughout. Fewer than 8 rows repeat the last one's reads and drop its extra results.
    @inline(never)
    static func kernel(
        _ a: UnsafePointer<Float>, lda: Int, rows: Int, _ b: UnsafePointer<Float>, ldb: Int, depth: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let last = rows - 1
        let o1 = min(1, last), o2 = min(2, last), o3 = min(3, last), o4 = min(4, last), o5 = min(5, last)
        let o6 = min(6, last), o7 = min(7, last)
        typealias V = SIMD16<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        var ap = a, bp = UnsafeRawPointer(b)
        let bStride = ldb * MemoryLayout<Float>.stride
        for _ in 0..<depth {
            let b0 = bp.loadUnaligned(as: V.self), b1 = bp.loadUnaligned(fromByteOffset: 64, as: V.self)
            var x = V(repeating: ap[0]); c00.addProduct(b0, x); c01.addProduct(b1, x)
            x = V(repeating: ap[o1]); c10.addProduct(b0, x); c11.addProduct(b1, x)
            x = V(repeating: ap[o2]); c20.addProduct(b0, x); c21.addProduct(b1, x)
            x = V(repeating: ap[o3]); c30.addProduct(b0, x); c31.addProduct(b1, x)
            x = V(repeating: ap[o4]); c40.addProduct(b0, x); c41.addProduct(b1, x)
            x = V(repeating: ap[o5]); c50.addProduct(b0, x); c51.addProduct(b1, x)
            x = V(repeating: ap[o6]); c60.addProduct(b0, x); c61.addProduct(b1, x)
            x = V(repeating: ap[o7]); c70.addProduct(b0, x); c71.addProduct(b1, x)
            ap += lda
            bp += bStride
        }
        PackedGEMM.store(rows: rows, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71,
                         into: c, ldc: ldc, accumulate: accumulate)
    }
}
