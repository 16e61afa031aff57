/// 2-D convolution of NHWC activations with an HWIO kernel, as GEMMs on BLAS.
///
/// An HWIO kernel read row-major is already the (kh·kw·cin) × cout matrix for patches laid out
/// (kh, kw, cin) with cin fastest, so a convolution is im2col followed by one GEMM, and a 1×1
/// stride-1 convolution is a GEMM straight on the activations.
public enum Conv2D {
    /// y[n, oy, ox, o] = Σ x[n, oy·s − pt + ky, ox·s − pl + kx, i] · w[ky, kx, i, o], zero outside x.
    ///
    /// With `accumulatingInto`, the result is added to that tensor (a residual sum in the
    /// GEMM's own pass) and the tensor is returned. `threads` workers take a share of the
    /// output rows each, with single-threaded BLAS.
    public static func forward<T: TensorScalar>(
        _ x: Tensor<T>, kernel w: Tensor<T>, geometry g: ConvGeometry, accumulatingInto sum: Tensor<T>? = nil, threads: Int = 1
    ) -> Tensor<T> {
        let (n, h, wd, c) = dims(x)
        precondition(w.shape == [g.kernelHeight, g.kernelWidth, c, w.shape[3]], "kernel \(w.shape) does not fit input \(x.shape)")
        let cout = w.shape[3]
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        precondition(sum == nil || sum!.shape == [n, oh, ow, cout], "accumulating into \(sum!.shape), output is \([n, oh, ow, cout])")
        let y = sum ?? Tensor<T>(uninitialized: [n, oh, ow, cout])
        let m = n * oh * ow, k = g.kernelHeight * g.kernelWidth * c
        let beta: T = sum == nil ? 0 : 1
        let parts = Parallel.split(m, into: threads)
        Parallel.share(parts.count) { i in
            if g.isPointwise {
                let rows = parts[i]
                T.gemm(transA: false, transB: false, m: rows.count, n: cout, k: k, alpha: 1, a: x.pointer + rows.lowerBound * k, lda: k,
                       b: w.pointer, ldb: cout, beta: beta, c: y.pointer + rows.lowerBound * cout, ldc: cout)
                return
            }
            forEachTile(rows: parts[i], k: k) { rows, col in
                im2col(x, geometry: g, rows: rows, into: col)
                T.gemm(transA: false, transB: false, m: rows.count, n: cout, k: k, alpha: 1, a: col, lda: k,
                       b: w.pointer, ldb: cout, beta: beta, c: y.pointer + rows.lowerBound * cout, ldc: cout)
            }
        }
        return y
    }

    /// Given dL/dy, adds dL/dw into `kernelGradient` (or stores it there, when
    /// `overwriteKernelGradient`) and returns dL/dx (nil when not wanted).
    ///
    /// dw = colᵀ · dy and dcol = dy · wᵀ, scattered back by col2im; the patches are rebuilt
    /// here rather than kept from the forward pass, which would cost kh·kw times the input's memory.
    /// With `addingInputGradientTo`, dL/dx is added to that tensor, which is returned.
    public static func backward<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, kernel w: Tensor<T>, geometry g: ConvGeometry,
        kernelGradient dw: Tensor<T>, overwriteKernelGradient: Bool = false, wantInputGradient: Bool = true,
        addingInputGradientTo sum: Tensor<T>? = nil
    ) -> Tensor<T>? {
        let (n, h, wd, c) = dims(x)
        let cout = w.shape[3]
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        precondition(dy.shape == [n, oh, ow, cout] && dw.shape == w.shape)
        precondition(sum == nil || sum!.shape == x.shape)
        let m = n * oh * ow, k = g.kernelHeight * g.kernelWidth * c
        if g.isPointwise {
            T.gemm(transA: true, transB: false, m: k, n: cout, k: m, alpha: 1, a: x.pointer, lda: k,
                   b: dy.pointer, ldb: cout, beta: overwriteKernelGradient ? 0 : 1, c: dw.pointer, ldc: cout)
            guard wantInputGradient else { return nil }
            let dx = sum ?? Tensor<T>(uninitialized: x.shape)
            T.gemm(transA: false, transB: true, m: m, n: k, k: cout, alpha: 1, a: dy.pointer, lda: cout,
                   b: w.pointer, ldb: cout, beta: sum == nil ? 0 : 1, c: dx.pointer, ldc: k)
            return dx
        }
        let dx = wantInputGradient ? (sum ?? Tensor<T>(zeros: x.shape)) : nil
        forEachTile(rows: 0..<m, k: k) { rows, col in
            let dyRows = dy.pointer + rows.lowerBound * cout
            im2col(x, geometry: g, rows: rows, into: col)
            let first = overwriteKernelGradient && rows.lowerBound == 0
            T.gemm(transA: true, transB: false, m: k, n: cout, k: rows.count, alpha: 1, a: col, lda: k,
                   b: dyRows, ldb: cout, beta: first ? 0 : 1, c: dw.pointer, ldc: cout)
            guard let dx else { return }
            // The patch buffer is reused for dcol.
            T.gemm(transA: false, transB: true, m: rows.count, n: k, k: cout, alpha: 1, a: dyRows, lda: cout,
                   b: w.pointer, ldb: cout, beta: 0, c: col, ldc: k)
            col2im(col, geometry: g, rows: rows, into: dx)
        }
        return dx
    }

    /// Patch matrices are built a tile of output rows at a time, so that one tile stays in
    /// cache between im2col and the GEMM that reads it and the buffer stays below glibc's
    /// mmap threshold (a fresh mmap per call costs page clearing on every first touch).
    static let tileBytes = 4 << 20

    /// Calls `body` for consecutive ranges of the output rows `all` with a [rows, k] scratch buffer.
    static func forEachTile<T>(rows all: Range<Int>, k: Int, _ body: (Range<Int>, UnsafeMutablePointer<T>) -> Void) {
        // At least 256 rows, so that each GEMM still amortises packing the kernel.
        let tile = Swift.min(all.count, Swift.max(256, tileBytes / (k * MemoryLayout<T>.stride)))
        let col = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(tile * k, 1) * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: Swift.max(tile * k, 1))
        defer { col.deallocate() }
        for start in stride(from: all.lowerBound, to: all.upperBound, by: Swift.max(tile, 1)) {
            body(start..<Swift.min(start + tile, all.upperBound), col)
        }
    }

    /// Patches of x for output rows `rows` (row r = (image, oy, ox) in row-major order) into
    /// `col` as [rows.count, kh·kw·c], zero where the window leaves the input.
    static func im2col<T: TensorScalar>(_ x: Tensor<T>, geometry g: ConvGeometry, rows: Range<Int>, into col: UnsafeMutablePointer<T>) {
        let (_, h, wd, c) = dims(x)
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        let kh = g.kernelHeight, kw = g.kernelWidth
        let src = x.pointer
        var out = col
        for r in rows {
            let b = r / (oh * ow), oy = r / ow % oh, ox = r % ow
            for ky in 0..<kh {
                let iy = oy * g.stride - g.padTop + ky
                if iy < 0 || iy >= h {
                    out.update(repeating: 0, count: kw * c)
                    out += kw * c
                    continue
                }
                let rowBase = src + ((b * h + iy) * wd) * c
                let ix0 = ox * g.stride - g.padLeft
                if ix0 >= 0 && ix0 + kw <= wd {
                    // The whole kernel row lies inside: one contiguous copy.
                    out.update(from: rowBase + ix0 * c, count: kw * c)
                    out += kw * c
                    continue
                }
                for kx in 0..<kw {
                    let ix = ix0 + kx
                    if ix < 0 || ix >= wd {
                        out.update(repeating: 0, count: c)
                    } else {
                        out.update(from: rowBase + ix * c, count: c)
                    }
                    out += c
                }
            }
        }
    }

    /// The adjoint of im2col: adds the patch rows `rows` in `col` onto the positions of `dx` they came from.
    static func col2im<T: TensorScalar>(_ col: UnsafeMutablePointer<T>, geometry g: ConvGeometry, rows: Range<Int>, into dx: Tensor<T>) {
        let (_, h, wd, c) = dims(dx)
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        let kh = g.kernelHeight, kw = g.kernelWidth
        let dst = dx.pointer
        var patch = col
        for r in rows {
            let b = r / (oh * ow), oy = r / ow % oh, ox = r % ow
            for ky in 0..<kh {
                let iy = oy * g.stride - g.padTop + ky
                if iy < 0 || iy >= h { patch += kw * c; continue }
                for kx in 0..<kw {
                    let ix = ox * g.stride - g.padLeft + kx
                    if ix >= 0 && ix < wd {
                        let out = dst + ((b * h + iy) * wd + ix) * c
                        for ch in 0..<c { out[ch] += patch[ch] }
                    }
                    patch += c
                }
            }
        }
    }

    static func dims<T>(_ x: Tensor<T>) -> (Int, Int, Int, Int) {
        precondition(x.shape.count == 4, "expected an NHWC tensor, got shape \(x.shape)")
        return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    }
}
