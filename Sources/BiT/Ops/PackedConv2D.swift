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

    /// As `Conv2D.forward` with a packed kernel, the panels split across `threads` workers.
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
        let parts = Parallel.split(kernel.panels, into: threads)
        if g.isPointwise {
            Parallel.share(parts.count) { i in
                PackedGEMM.multiply(x.pointer, rows: m, lda: k, by: kernel, panels: parts[i], into: y.pointer, ldc: cout, accumulate: accumulate)
            }
            return y
        }
        Conv2D.forEachTile(rows: 0..<m, k: k) { rows, col in
            Conv2D.im2col(x, geometry: g, rows: rows, into: col)
            let patches = Shared(col), out = Shared(y.pointer + rows.lowerBound * cout)
            Parallel.share(parts.count) { i in
                PackedGEMM.multiply(patches.pointer, rows: rows.count, lda: k, by: kernel, panels: parts[i],
                                    into: out.pointer, ldc: cout, accumulate: accumulate)
            }
        }
        return y
    }
}

/// A pointer that concurrent workers read or write at disjoint places.
struct Shared<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
