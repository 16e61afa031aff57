import PackedGEMM

/// Convolutions of few output positions (a single image deep in the network) on kernels
/// packed once for `PackedGEMM`, the product's columns spread over the workers.
///
/// At such shapes OpenBLAS re-packs the whole kernel on every call (a fifth of a single
/// image's time went to it) and its threads wait on each other; a packed kernel is read
/// straight from memory, once per call.
public enum PackedConv2D {
    /// Whether this CPU runs the packed kernel (it is AVX-512 code).
    public static let isSupported: Bool = BLASRuntime.cpuFlags().contains("avx512f")

    /// Most output positions (rows of the product) for which the packed path is taken:
    /// measured on R50x1's shapes, 1.1–1.9x OpenBLAS at 16 and 64 rows, 0.8–0.9x at 256 and more.
    public static var maxRows: Int { 128 }

    /// The HWIO kernel packed as the (kh·kw·cin) × cout matrix of `Conv2D`; nil when this CPU
    /// lacks AVX-512 or cout is not a multiple of the kernel's panel width (32).
    public static func pack(_ w: Tensor<Float>) -> PackedMatrix? {
        guard isSupported, w.shape.count == 4 else { return nil }
        return PackedMatrix(rowMajor: w.pointer, rows: w.shape[0] * w.shape[1] * w.shape[2], columns: w.shape[3])
    }

    /// Output positions of convolving `x` with geometry `g`: the rows of its product.
    public static func rows(_ x: Tensor<Float>, geometry g: ConvGeometry) -> Int {
        let (n, h, w, _) = Conv2D.dims(x)
        return n * g.outputHeight(h) * g.outputWidth(w)
    }

    /// As `Conv2D.forward` with a packed kernel, the panels shared by `threads` workers.
    public static func forward(
        _ x: Tensor<Float>, kernel: PackedMatrix, geometry g: ConvGeometry, threads: Int,
        accumulatingInto sum: Tensor<Float>? = nil
    ) -> Tensor<Float> {
        let (n, h, wd, c) = Conv2D.dims(x)
        let k = g.kernelHeight * g.kernelWidth * c, cout = kernel.columns
        precondition(kernel.rows == k, "packed kernel of \(kernel.rows) rows does not fit input \(x.shape)")
        let oh = g.outputHeight(h), ow = g.outputWidth(wd), m = n * oh * ow
        precondition(sum == nil || sum!.shape == [n, oh, ow, cout], "accumulating into \(sum!.shape), output is \([n, oh, ow, cout])")
        let y = sum ?? Tensor<Float>(uninitialized: [n, oh, ow, cout])
        let accumulate = sum != nil
        if g.isPointwise {
            multiply(x.pointer, rows: m, by: kernel, into: y.pointer, accumulate: accumulate, threads: threads)
            return y
        }
        Conv2D.forEachTile(rows: 0..<m, k: k) { rows, col in
            Conv2D.im2col(x, geometry: g, rows: rows, into: col)
            multiply(col, rows: rows.count, by: kernel, into: y.pointer + rows.lowerBound * cout, accumulate: accumulate, threads: threads)
        }
        return y
    }

    /// C[rows, kernel.columns] (+)= A[rows, kernel.rows] · kernel, each worker taking an equal
    /// share of the panels. (Handing out panels one at a time as workers come free measured
    /// the same: 49 vs 52 img/s, medians of 4 alternating runs.)
    static func multiply(
        _ a: UnsafePointer<Float>, rows m: Int, by kernel: PackedMatrix, into c: UnsafeMutablePointer<Float>, accumulate: Bool, threads: Int
    ) {
        let parts = Parallel.split(kernel.panels, into: threads)
        let a = Shared(UnsafeMutablePointer(mutating: a)), c = Shared(c)
        Parallel.share(parts.count) { i in
            PackedGEMM.multiply(a.pointer, rows: m, lda: kernel.rows, by: kernel, panels: parts[i],
                                into: c.pointer, ldc: kernel.columns, accumulate: accumulate)
        }
    }
}

/// A pointer that concurrent workers read or write at disjoint places.
struct Shared<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
