/// 2-D convolution of NHWC activations with an HWIO kernel, as GEMMs on BLAS.
///
/// An HWIO kernel read row-major is already the (kh·kw·cin) × cout matrix for patches laid out
/// (kh, kw, cin) with cin fastest, so a convolution is im2col followed by one GEMM, and a 1×1
/// stride-1 convolution is a GEMM straight on the activations.
public enum Conv2D {
    /// y[n, oy, ox, o] = Σ x[n, oy·s − pt + ky, ox·s − pl + kx, i] · w[ky, kx, i, o], zero outside x.
    public static func forward<T: TensorScalar>(
        _ x: Tensor<T>, kernel w: Tensor<T>, geometry g: ConvGeometry
    ) -> Tensor<T> {
        let (n, h, wd, c) = dims(x)
        precondition(w.shape == [g.kernelHeight, g.kernelWidth, c, w.shape[3]], "kernel \(w.shape) does not fit input \(x.shape)")
        let cout = w.shape[3]
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        let y = Tensor<T>(uninitialized: [n, oh, ow, cout])
        let m = n * oh * ow, k = g.kernelHeight * g.kernelWidth * c
        if g.isPointwise {
            T.gemm(transA: false, transB: false, m: m, n: cout, k: k, alpha: 1, a: x.pointer, lda: k,
                   b: w.pointer, ldb: cout, beta: 0, c: y.pointer, ldc: cout)
        } else {
            let col = im2col(x, geometry: g)
            T.gemm(transA: false, transB: false, m: m, n: cout, k: k, alpha: 1, a: col.pointer, lda: k,
                   b: w.pointer, ldb: cout, beta: 0, c: y.pointer, ldc: cout)
        }
        return y
    }

    /// Given dL/dy, adds dL/dw into `kernelGradient` and returns dL/dx (nil when not wanted).
    ///
    /// dw = colᵀ · dy and dcol = dy · wᵀ, scattered back by col2im; the patches are rebuilt
    /// here rather than kept from the forward pass, which would cost kh·kw times the input's memory.
    public static func backward<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, kernel w: Tensor<T>, geometry g: ConvGeometry,
        kernelGradient dw: Tensor<T>, wantInputGradient: Bool = true
    ) -> Tensor<T>? {
        let (n, h, wd, c) = dims(x)
        let cout = w.shape[3]
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        precondition(dy.shape == [n, oh, ow, cout] && dw.shape == w.shape)
        let m = n * oh * ow, k = g.kernelHeight * g.kernelWidth * c
        if g.isPointwise {
            T.gemm(transA: true, transB: false, m: k, n: cout, k: m, alpha: 1, a: x.pointer, lda: k,
                   b: dy.pointer, ldb: cout, beta: 1, c: dw.pointer, ldc: cout)
            guard wantInputGradient else { return nil }
            let dx = Tensor<T>(uninitialized: x.shape)
            T.gemm(transA: false, transB: true, m: m, n: k, k: cout, alpha: 1, a: dy.pointer, lda: cout,
                   b: w.pointer, ldb: cout, beta: 0, c: dx.pointer, ldc: k)
            return dx
        }
        let col = im2col(x, geometry: g)
        T.gemm(transA: true, transB: false, m: k, n: cout, k: m, alpha: 1, a: col.pointer, lda: k,
               b: dy.pointer, ldb: cout, beta: 1, c: dw.pointer, ldc: cout)
        guard wantInputGradient else { return nil }
        // Reuse the patch buffer for dcol.
        T.gemm(transA: false, transB: true, m: m, n: k, k: cout, alpha: 1, a: dy.pointer, lda: cout,
               b: w.pointer, ldb: cout, beta: 0, c: col.pointer, ldc: k)
        return col2im(col, inputShape: x.shape, geometry: g)
    }

    /// Patches of x as rows: [n·oh·ow, kh·kw·c], zero where the window leaves the input.
    static func im2col<T: TensorScalar>(_ x: Tensor<T>, geometry g: ConvGeometry) -> Tensor<T> {
        let (n, h, wd, c) = dims(x)
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        let kh = g.kernelHeight, kw = g.kernelWidth, k = kh * kw * c
        let col = Tensor<T>(uninitialized: [n * oh * ow, k])
        let src = x.pointer, dst = col.pointer
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var out = dst + ((b * oh + oy) * ow + ox) * k
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
        }
        return col
    }

    /// The adjoint of im2col: sums each patch row back onto the input positions it came from.
    static func col2im<T: TensorScalar>(_ col: Tensor<T>, inputShape: [Int], geometry g: ConvGeometry) -> Tensor<T> {
        let (n, h, wd, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let oh = g.outputHeight(h), ow = g.outputWidth(wd)
        let kh = g.kernelHeight, kw = g.kernelWidth, k = kh * kw * c
        let dx = Tensor<T>(zeros: inputShape)
        let src = col.pointer, dst = dx.pointer
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var patch = src + ((b * oh + oy) * ow + ox) * k
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
        }
        return dx
    }

    static func dims<T>(_ x: Tensor<T>) -> (Int, Int, Int, Int) {
        precondition(x.shape.count == 4, "expected an NHWC tensor, got shape \(x.shape)")
        return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    }
}
