/// 3x3, stride-1, padding-1 convolutions by Winograd's minimal filtering F(2x2, 3x3)
/// (Lavin & Gray, 2015): each 2x2 block of outputs costs 16 multiplications per channel pair
/// instead of 36, so these convolutions (half of R50's arithmetic) need 2.25x fewer.
///
/// Input tiles d (4x4, overlapping by 2) become V = Bᵀ d B, the kernel g becomes U = G g Gᵀ
/// (once per set of weights), the 16 element-wise products summed over input channels are
/// 16 GEMMs M = V · U, and the outputs are Y = Aᵀ M A. The transforms' coefficients are 0, ±1
/// and ±½, so in Float the result stays within a few ulps of the direct sum.
public enum Winograd3x3 {
    /// True for the geometry this algorithm computes: 3x3 kernel, stride 1, padding 1 on every side.
    public static func applies(to g: ConvGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1
            && g.padTop == 1 && g.padLeft == 1 && g.padBottom == 1 && g.padRight == 1
    }

    /// Output tiles (2x2 blocks) of a convolution over `x`: the rows of its 16 GEMMs.
    public static func tiles<T>(_ x: Tensor<T>) -> Int { Tiling(x).count }

    /// How an [N, H, W, ·] tensor splits into 2x2 output tiles, numbered image by image and
    /// row by row, and how many of them are transformed and multiplied at once.
    struct Tiling {
        let tilesY: Int, tilesX: Int, count: Int

        init<T>(_ x: Tensor<T>) {
            (tilesY, tilesX) = ((x.shape[1] + 1) / 2, (x.shape[2] + 1) / 2)
            count = x.shape[0] * tilesY * tilesX
        }

        /// The image and tile row and column of tile `index`.
        @inline(__always)
        func position(_ index: Int) -> (image: Int, y: Int, x: Int) {
            (index / (tilesY * tilesX), index / tilesX % tilesY, index % tilesX)
        }

        /// Tiles per block for `c` channels in and `cout` out: as many as `blockBytes` holds,
        /// at least `minimumBlock`, at most all.
        func block<T>(channels c: Int, outputs cout: Int, _: T.Type) -> Int {
            Swift.min(count, Swift.max(minimumBlock, blockBytes / (16 * (c + cout) * MemoryLayout<T>.stride)))
        }
    }

    /// U = G g Gᵀ for every (input, output) channel pair of a [3, 3, C, Cout] kernel, as [16, C, Cout].
    public static func transformKernel<T: TensorScalar>(_ w: Tensor<T>) -> Tensor<T> {
        precondition(w.shape.count == 4 && w.shape[0] == 3 && w.shape[1] == 3, "expected a [3, 3, C, Cout] kernel, got \(w.shape)")
        let plane = w.shape[2] * w.shape[3]
        let u = Tensor<T>(uninitialized: [16, w.shape[2], w.shape[3]])
        let g = w.pointer, out = u.pointer
        for e in stride(from: 0, to: plane, by: 16) {
            let lanes = Swift.min(16, plane - e)
            @inline(__always) func tap(_ k: Int) -> SIMD16<T> { load(g + k * plane + e, lanes) }
            // G g, row by row of the result (4 rows x 3 kernel columns), then each row times Gᵀ.
            for i in 0..<4 {
                let t0: SIMD16<T>, t1: SIMD16<T>, t2: SIMD16<T>
                switch i {
                case 0: (t0, t1, t2) = (tap(0), tap(1), tap(2))
                case 1: (t0, t1, t2) = ((tap(0) + tap(3) + tap(6)) * 0.5, (tap(1) + tap(4) + tap(7)) * 0.5, (tap(2) + tap(5) + tap(8)) * 0.5)
                case 2: (t0, t1, t2) = ((tap(0) - tap(3) + tap(6)) * 0.5, (tap(1) - tap(4) + tap(7)) * 0.5, (tap(2) - tap(5) + tap(8)) * 0.5)
                default: (t0, t1, t2) = (tap(6), tap(7), tap(8))
                }
                store(t0, out + (i * 4) * plane + e, lanes)
                store((t0 + t1 + t2) * 0.5, out + (i * 4 + 1) * plane + e, lanes)
                store((t0 - t1 + t2) * 0.5, out + (i * 4 + 2) * plane + e, lanes)
                store(t2, out + (i * 4 + 3) * plane + e, lanes)
            }
        }
        return u
    }

    /// Bytes of transformed tiles and products held at once, so that they stay in the core's
    /// L2 cache from the transforms to the GEMMs and back; measured best of 0.5 to 32 MiB.
    static let blockBytes = 1 << 20
    /// Fewest tiles per block: each of the 16 GEMMs packs its kernel anew, so that cost must
    /// be spread over enough rows (wide layers would otherwise get blocks of a few tiles).
    static let minimumBlock = 128

    /// The convolution of NHWC `x` with the kernel `u` from `transformKernel`: [N, H, W, Cout].
    /// With `accumulatingInto`, the result is added to that tensor, which is returned.
    /// `threads` workers take a share of the tiles each, with single-threaded BLAS.
    public static func forward<T: TensorScalar>(
        _ x: Tensor<T>, transformedKernel u: Tensor<T>, accumulatingInto sum: Tensor<T>? = nil, threads: Int = 1
    ) -> Tensor<T> {
        precondition(x.shape.count == 4 && u.shape.count == 3 && u.shape[0] == 16 && u.shape[1] == x.shape[3],
                     "transformed kernel \(u.shape) does not fit input \(x.shape)")
        return convolve(x, u, forInputGradient: false, accumulatingInto: sum, threads: threads)
    }

    /// dL/dx of the convolution with transformed kernel `u`, given dL/dy [N, H, W, Cout].
    ///
    /// That is the same kind of convolution of dy with the kernel turned 180° and its channel
    /// axes swapped, and no second transform is needed: G J = P G, where J reverses 3 taps and
    /// P swaps the first and last of 4, so the turned kernel's transform is P U P, plane
    /// (k, l) read from plane (p(k), p(l)) and transposed in the GEMM.
    public static func inputGradient<T: TensorScalar>(
        _ dy: Tensor<T>, transformedKernel u: Tensor<T>, accumulatingInto sum: Tensor<T>? = nil
    ) -> Tensor<T> {
        precondition(dy.shape.count == 4 && u.shape.count == 3 && u.shape[0] == 16 && u.shape[2] == dy.shape[3],
                     "transformed kernel \(u.shape) does not fit output gradient \(dy.shape)")
        return convolve(dy, u, forInputGradient: true, accumulatingInto: sum)
    }

    static func convolve<T: TensorScalar>(
        _ x: Tensor<T>, _ u: Tensor<T>, forInputGradient: Bool, accumulatingInto sum: Tensor<T>?, threads: Int = 1
    ) -> Tensor<T> {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = forInputGradient ? u.shape[1] : u.shape[2]
        precondition(sum == nil || sum!.shape == [n, h, w, cout], "accumulating into \(sum!.shape), output is \([n, h, w, cout])")
        let y = sum ?? Tensor<T>(uninitialized: [n, h, w, cout])
        let tiling = Tiling(x), total = tiling.count
        let parts = Parallel.split(total, into: threads)
        let block = Swift.min(tiling.block(channels: c, outputs: cout, T.self), parts.map(\.count).max() ?? 0)
        let accumulate = sum != nil
        Parallel.share(parts.count) { part in
            convolve(x, u, tiles: parts[part], block: block, forInputGradient: forInputGradient, into: y, accumulate: accumulate)
        }
        return y
    }

    /// The output tiles `tiles` of `convolve`, `block` tiles at a time.
    static func convolve<T: TensorScalar>(
        _ x: Tensor<T>, _ u: Tensor<T>, tiles: Range<Int>, block: Int, forInputGradient: Bool, into y: Tensor<T>, accumulate: Bool
    ) {
        let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
        let cout = y.shape[3]
        let tiling = Tiling(x)
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: 16 * block * (c + cout) + c + cout)
        defer { scratch.deallocate() }
        let v = scratch, m = scratch + 16 * block * c
        // Reads outside the image point at zeros; writes outside it land in a discarded row.
        let zeros = m + 16 * block * cout, discard = zeros + c
        zeros.initialize(repeating: 0, count: c)

        let outputs = UnsafeMutablePointer<UnsafeMutablePointer<T>>.allocate(capacity: 4)
        defer { outputs.deallocate() }
        for start in stride(from: tiles.lowerBound, to: tiles.upperBound, by: block) {
            let count = Swift.min(block, tiles.upperBound - start)
            transformInputTiles(x, tiles: start..<start + count, zeros: zeros, into: v, planeStride: block * c)
            for xi in 0..<16 {
                @inline(__always) func swap(_ k: Int) -> Int { k == 0 ? 3 : k == 3 ? 0 : k }
                let plane = forInputGradient ? swap(xi / 4) * 4 + swap(xi % 4) : xi
                T.gemm(transA: false, transB: forInputGradient, m: count, n: cout, k: c, alpha: 1,
                       a: v + xi * block * c, lda: c, b: u.pointer + plane * c * cout, ldb: forInputGradient ? c : cout,
                       beta: 0, c: m + xi * block * cout, ldc: cout)
            }
            for j in 0..<count {
                let (b, ty, tx) = tiling.position(start + j)
                for r in 0..<2 {
                    for s in 0..<2 {
                        let oy = 2 * ty + r, ox = 2 * tx + s
                        outputs[r * 2 + s] = oy < h && ox < w ? y.pointer + ((b * h + oy) * w + ox) * cout : discard
                    }
                }
                transformOutput(m + j * cout, planeStride: block * cout, channels: cout, into: outputs, accumulate: accumulate)
            }
        }
    }

    /// Adds dL/dw of the convolution of `x` into `kernelGradient` [3, 3, C, Cout], or stores
    /// it there when `overwrite`: the adjoint of `forward`, dw = Gᵀ [Σ over tiles of
    /// (Bᵀ d B) ⊙ (A dy Aᵀ)] G, its sums over tiles 16 GEMMs.
    public static func kernelGradient<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, kernelGradient dw: Tensor<T>, overwrite: Bool = false
    ) {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = dw.shape[3]
        precondition(dw.shape == [3, 3, c, cout] && dy.shape == [n, h, w, cout], "gradient \(dy.shape) does not fit input \(x.shape) and kernel \(dw.shape)")
        let tiling = Tiling(x), total = tiling.count
        let block = tiling.block(channels: c, outputs: cout, T.self)
        let plane = c * cout

        let scratch = UnsafeMutablePointer<T>.allocate(capacity: 16 * block * (c + cout) + 16 * plane + Swift.max(c, cout))
        defer { scratch.deallocate() }
        let v = scratch, e = v + 16 * block * c, du = e + 16 * block * cout, zeros = du + 16 * plane
        zeros.initialize(repeating: 0, count: Swift.max(c, cout))
        let grads = UnsafeMutablePointer<UnsafePointer<T>>.allocate(capacity: 4)
        defer { grads.deallocate() }

        for start in stride(from: 0, to: total, by: block) {
            let count = Swift.min(block, total - start)
            transformInputTiles(x, tiles: start..<start + count, zeros: zeros, into: v, planeStride: block * c)
            for j in 0..<count {
                let (b, ty, tx) = tiling.position(start + j)
                for r in 0..<2 {
                    for s in 0..<2 {
                        let oy = 2 * ty + r, ox = 2 * tx + s
                        grads[r * 2 + s] = oy < h && ox < w ? UnsafePointer(dy.pointer + ((b * h + oy) * w + ox) * cout) : UnsafePointer(zeros)
                    }
                }
                transformGradient(grads, channels: cout, into: e + j * cout, planeStride: block * cout)
            }
            for xi in 0..<16 {
                T.gemm(transA: true, transB: false, m: c, n: cout, k: count, alpha: 1,
                       a: v + xi * block * c, lda: c, b: e + xi * block * cout, ldb: cout,
                       beta: start == 0 ? 0 : 1, c: du + xi * plane, ldc: cout)
            }
        }

        // dw = Gᵀ dU G, 16 pairs of channels at a time.
        for i0 in stride(from: 0, to: plane, by: 16) {
            let lanes = Swift.min(16, plane - i0)
            @inline(__always) func u(_ k: Int) -> SIMD16<T> { load(du + k * plane + i0, lanes) }
            @inline(__always) func gt(_ u0: SIMD16<T>, _ u1: SIMD16<T>, _ u2: SIMD16<T>, _ u3: SIMD16<T>) -> (SIMD16<T>, SIMD16<T>, SIMD16<T>) {
                (u0 + (u1 + u2) * 0.5, (u1 - u2) * 0.5, (u1 + u2) * 0.5 + u3)
            }
            let (t00, t10, t20) = gt(u(0), u(4), u(8), u(12))
            let (t01, t11, t21) = gt(u(1), u(5), u(9), u(13))
            let (t02, t12, t22) = gt(u(2), u(6), u(10), u(14))
            let (t03, t13, t23) = gt(u(3), u(7), u(11), u(15))
            @inline(__always) func put(_ i: Int, _ row: (SIMD16<T>, SIMD16<T>, SIMD16<T>)) {
                let out = dw.pointer + i * 3 * plane + i0
                store(overwrite ? row.0 : row.0 + load(out, lanes), out, lanes)
                store(overwrite ? row.1 : row.1 + load(out + plane, lanes), out + plane, lanes)
                store(overwrite ? row.2 : row.2 + load(out + 2 * plane, lanes), out + 2 * plane, lanes)
            }
            put(0, gt(t00, t01, t02, t03)); put(1, gt(t10, t11, t12, t13)); put(2, gt(t20, t21, t22, t23))
        }
    }

    /// V = Bᵀ d B of the input tiles `tiles` (numbered image by image, row by row) into the 16
    /// planes of `v`, `planeStride` apart; pixels outside the image read `zeros`.
    static func transformInputTiles<T: TensorScalar>(
        _ x: Tensor<T>, tiles: Range<Int>, zeros: UnsafeMutablePointer<T>, into v: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
        let tiling = Tiling(x)
        let inputs = UnsafeMutablePointer<UnsafePointer<T>>.allocate(capacity: 16)
        defer { inputs.deallocate() }
        for (j, index) in tiles.enumerated() {
            let (b, ty, tx) = tiling.position(index)
            for r in 0..<4 {
                let iy = 2 * ty - 1 + r
                for s in 0..<4 {
                    let ix = 2 * tx - 1 + s
                    inputs[r * 4 + s] = iy >= 0 && iy < h && ix >= 0 && ix < w
                        ? UnsafePointer(x.pointer + ((b * h + iy) * w + ix) * c) : UnsafePointer(zeros)
                }
            }
            transformInput(inputs, channels: c, into: v + j * c, planeStride: planeStride)
        }
    }

    /// A applied to a column of two: g0, g0 + g1, g0 − g1, −g1.
    @inline(__always)
    static func a<V: SIMD>(_ g0: V, _ g1: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
        (g0, g0 + g1, g0 - g1, .zero - g1)
    }

    /// A dy Aᵀ for one 2x2 block of output gradients (4 pointers, row-major), 16 channels at a
    /// time, written to the 16 planes `planeStride` apart.
    @inline(__always)
    static func transformGradient<T: TensorScalar>(
        _ g: UnsafeMutablePointer<UnsafePointer<T>>, channels c: Int, into e: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        transformTile(g, channels: c, into: e, planeStride: planeStride) { px in
            let (c00, c10, c20, c30) = a(px(0), px(2))
            let (c01, c11, c21, c31) = a(px(1), px(3))
            return (a(c00, c01), a(c10, c11), a(c20, c21), a(c30, c31))
        }
    }

    /// Bᵀ applied to a column of four: d0 − d2, d1 + d2, d2 − d1, d1 − d3.
    @inline(__always)
    static func bt<V: SIMD>(_ d0: V, _ d1: V, _ d2: V, _ d3: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
        (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
    }

    /// Aᵀ applied to a column of four: m0 + m1 + m2, m1 − m2 − m3.
    @inline(__always)
    static func at<V: SIMD>(_ m0: V, _ m1: V, _ m2: V, _ m3: V) -> (V, V) where V.Scalar: FloatingPoint {
        (m0 + m1 + m2, m1 - m2 - m3)
    }

    /// V = Bᵀ d B for one 4x4 input tile (16 pixel pointers, row-major), 16 channels at a time,
    /// written to the 16 planes `planeStride` apart.
    @inline(__always)
    static func transformInput<T: TensorScalar>(
        _ d: UnsafeMutablePointer<UnsafePointer<T>>, channels c: Int, into v: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        transformTile(d, channels: c, into: v, planeStride: planeStride) { px in
            let (t00, t10, t20, t30) = bt(px(0), px(4), px(8), px(12))
            let (t01, t11, t21, t31) = bt(px(1), px(5), px(9), px(13))
            let (t02, t12, t22, t32) = bt(px(2), px(6), px(10), px(14))
            let (t03, t13, t23, t33) = bt(px(3), px(7), px(11), px(15))
            return (bt(t00, t01, t02, t03), bt(t10, t11, t12, t13), bt(t20, t21, t22, t23), bt(t30, t31, t32, t33))
        }
    }

    /// Four rows of four vectors: a 4x4 transform's result for 16 channels.
    typealias Rows<T: TensorScalar> = (
        (SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>), (SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>),
        (SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>), (SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>)
    )

    /// Runs a tile transform 16 channels at a time: `transform` reads pixel k's 16 channels
    /// through the function it is given and returns the 4x4 result, whose row i is stored in
    /// planes 4i..<4i + 4, `planeStride` apart.
    @inline(__always)
    static func transformTile<T: TensorScalar>(
        _ pixels: UnsafeMutablePointer<UnsafePointer<T>>, channels c: Int, into out: UnsafeMutablePointer<T>, planeStride: Int,
        _ transform: ((Int) -> SIMD16<T>) -> Rows<T>
    ) {
        for ch in stride(from: 0, to: c, by: 16) {
            let lanes = Swift.min(16, c - ch)
            let rows = transform { load(pixels[$0] + ch, lanes) }
            storeRow(rows.0, at: out + ch, planeStride: planeStride, lanes: lanes)
            storeRow(rows.1, at: out + ch + 4 * planeStride, planeStride: planeStride, lanes: lanes)
            storeRow(rows.2, at: out + ch + 8 * planeStride, planeStride: planeStride, lanes: lanes)
            storeRow(rows.3, at: out + ch + 12 * planeStride, planeStride: planeStride, lanes: lanes)
        }
    }

    /// Y = Aᵀ M A for one tile: the 16 products `planeStride` apart become 2x2 outputs
    /// (pointers y[0...3], row-major), 16 channels at a time.
    @inline(__always)
    static func transformOutput<T: TensorScalar>(
        _ m: UnsafeMutablePointer<T>, planeStride: Int, channels c: Int,
        into y: UnsafeMutablePointer<UnsafeMutablePointer<T>>, accumulate: Bool
    ) {
        for ch in stride(from: 0, to: c, by: 16) {
            let lanes = Swift.min(16, c - ch)
            @inline(__always) func p(_ k: Int) -> SIMD16<T> { load(m + k * planeStride + ch, lanes) }
            let (s00, s10) = at(p(0), p(4), p(8), p(12))
            let (s01, s11) = at(p(1), p(5), p(9), p(13))
            let (s02, s12) = at(p(2), p(6), p(10), p(14))
            let (s03, s13) = at(p(3), p(7), p(11), p(15))
            let (y00, y01) = at(s00, s01, s02, s03)
            let (y10, y11) = at(s10, s11, s12, s13)
            @inline(__always) func put(_ value: SIMD16<T>, _ k: Int) {
                let out = y[k] + ch
                store(accumulate ? value + load(out, lanes) : value, out, lanes)
            }
            put(y00, 0); put(y01, 1); put(y10, 2); put(y11, 3)
        }
    }

    /// `lanes` (1...16) values from `p`, the rest zero.
    @inline(__always)
    static func load<T: TensorScalar>(_ p: UnsafePointer<T>, _ lanes: Int) -> SIMD16<T> {
        if lanes == 16 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<T>.self) }
        var v = SIMD16<T>()
        for i in 0..<lanes { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func load<T: TensorScalar>(_ p: UnsafeMutablePointer<T>, _ lanes: Int) -> SIMD16<T> { load(UnsafePointer(p), lanes) }

    /// Stores a row of 4 transformed values in 4 consecutive planes.
    @inline(__always)
    static func storeRow<T: TensorScalar>(
        _ row: (SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>), at out: UnsafeMutablePointer<T>, planeStride: Int, lanes: Int
    ) {
        store(row.0, out, lanes)
        store(row.1, out + planeStride, lanes)
        store(row.2, out + 2 * planeStride, lanes)
        store(row.3, out + 3 * planeStride, lanes)
    }

    /// Stores the first `lanes` values of `v` at `p`.
    @inline(__always)
    static func store<T: TensorScalar>(_ v: SIMD16<T>, _ p: UnsafeMutablePointer<T>, _ lanes: Int) {
        if lanes == 16 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<T>.self); return }
        for i in 0..<lanes { p[i] = v[i] }
    }
}
