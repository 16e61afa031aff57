import PackedGEMM

/// A training step's convolution gradients without OpenBLAS: dw = patchesᵀ · dy read straight
/// from both (`TransposedProduct`) and dx = dy · wᵀ on wᵀ packed once per step, a cache-sized
/// chunk of rows at a time.
///
/// OpenBLAS packs both operands on every call and clears the output before adding to it; at a
/// small model's channel counts that was a fifth of the backward pass's GEMM time.
extension PackedConv2D {
    /// The HWIO kernel's matrix transposed, [cout, kh·kw·cin], packed for `backward`'s input gradient; nil
    /// when this CPU lacks AVX-512 or kh·kw·cin is not a multiple of the panel width (32).
    public static func packTransposed(_ w: Tensor<Float>) -> PackedMatrix? {
        guard isSupported, w.shape.count == 4 else { return nil }
        let k = w.shape[0] * w.shape[1] * w.shape[2], cout = w.shape[3]
        return PackedMatrix(transposing: w.pointer, rows: cout, columns: k)
    }

    /// Whether a training step runs the convolution of kernel `w` with `rows` output positions
    /// per worker here (`pack`, `packTransposed`, `backward`): its output channels fill whole
    /// panels, and, as for `applies`, the rows are few (the panels stream by once) or the kernel
    /// stays in cache while the rows go by; many rows against a larger kernel stay on OpenBLAS,
    /// which blocks for its caches.
    public static func packsForTraining(_ w: Tensor<Float>, rows: Int) -> Bool {
        isSupported && w.shape.count == 4 && w.shape[3] % PackedMatrix.panelWidth == 0
            && (rows <= panelSplitMaxRows || w.count * MemoryLayout<Float>.stride <= rowSplitMaxKernelBytes)
    }

    /// As `Conv2D.backward` with overwriteKernelGradient, on one thread: stores dL/dw in
    /// `kernelGradient` (`TransposedProduct`) and, given wᵀ packed by `packTransposed`, returns
    /// dL/dx (added to `adding` when given, which is returned); nil without `transposedKernel`.
    /// A chunk of output rows at a time: its patches, dw += patchesᵀ · dy, then dpatches = dy · wᵀ
    /// scattered back by col2im into the same buffer (a stride-1 pointwise kernel's patches are x).
    public static func backward(
        _ dy: Tensor<Float>, input x: Tensor<Float>, geometry g: ConvGeometry, kernelGradient dw: Tensor<Float>,
        transposedKernel wt: PackedMatrix?, adding sum: Tensor<Float>? = nil
    ) -> Tensor<Float>? {
        let (n, h, wd, c) = Conv2D.dims(x)
        let oh = g.outputHeight(h), ow = g.outputWidth(wd), cout = dw.shape[3]
        let m = n * oh * ow, k = g.kernelHeight * g.kernelWidth * c
        precondition(dy.shape == [n, oh, ow, cout] && dw.shape == [g.kernelHeight, g.kernelWidth, c, cout],
                     "dy \(dy.shape) and kernel gradient \(dw.shape) do not fit input \(x.shape)")
        precondition(wt == nil || (wt!.rows == cout && wt!.columns == k), "packed kernel does not fit kernel gradient \(dw.shape)")
        precondition(sum == nil || sum!.shape == x.shape)
        let block = PackedGEMM.blockRows
        // A chunk's patches and dy stay in L2 while the products pass over them; few rows are
        // one chunk, so that a large kernel streams by once.
        let chunk = Swift.max(Swift.min(m, panelSplitMaxRows), block, rowChunkBytes / ((k + cout) * MemoryLayout<Float>.stride) / block * block)
        if g.isPointwise {
            TransposedProduct.multiply(x.pointer, lda: k, dy.pointer, ldb: cout, rows: m, k: k, n: cout,
                                       into: dw.pointer, ldc: cout, accumulate: false)
            guard let wt else { return nil }
            let dx = sum ?? Tensor<Float>(uninitialized: x.shape)
            for start in stride(from: 0, to: m, by: chunk) {
                PackedGEMM.multiply(dy.pointer + start * cout, rows: Swift.min(chunk, m - start), lda: cout, by: wt,
                                    panels: 0..<wt.panels, into: dx.pointer + start * k, ldc: k, accumulate: sum != nil)
            }
            return dx
        }
        let dx = wt == nil ? nil : (sum ?? Tensor<Float>(zeros: x.shape))
        let col = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(Swift.min(chunk, m) * k, 1))
        defer { col.deallocate() }
        for start in stride(from: 0, to: m, by: chunk) {
            let rows = start..<Swift.min(start + chunk, m)
            Conv2D.im2col(x, geometry: g, rows: rows, into: col)
            TransposedProduct.multiply(col, lda: k, dy.pointer + start * cout, ldb: cout, rows: rows.count, k: k, n: cout,
                                       into: dw.pointer, ldc: cout, accumulate: start > 0)
            guard let wt, let dx else { continue }
            PackedGEMM.multiply(dy.pointer + start * cout, rows: rows.count, lda: cout, by: wt, panels: 0..<wt.panels,
                                into: col, ldc: k, accumulate: false)
            Conv2D.col2im(col, geometry: g, rows: rows, into: dx)
        }
        return dx
    }
}
