/// BiT's stem pooling: zero padding of 1 on every side, then a 3×3 stride-2 VALID max-pool.
///
/// The padding is the value 0, not −∞ (PyTorch's MaxPool2d padding), so border windows of the
/// signed stem output are clamped at ≥ 0; the official code notes the two differ.
public enum StemMaxPool {
    static let window = 3, stride = 2, pad = 1

    /// Output side for an input side.
    public static func outputSize(_ size: Int) -> Int { (size + 2 * pad - window) / stride + 1 }

    /// The pooled tensor and, per output element, the flat input index of its maximum (−1 when
    /// the maximum is a padding zero). Ties go to the first element in row-major window order.
    public static func forward<T: TensorScalar>(_ x: Tensor<T>) -> (output: Tensor<T>, argmax: [Int32]) {
        let (n, h, w, c) = Conv2D.dims(x)
        precondition(x.count < Int(Int32.max), "tensor too large for 32-bit pooling indices")
        let oh = outputSize(h), ow = outputSize(w)
        let y = Tensor<T>(uninitialized: [n, oh, ow, c])
        var argmax = [Int32](repeating: -1, count: y.count)
        argmax.withUnsafeMutableBufferPointer { arg in
            for b in 0..<n {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = ((b * oh + oy) * ow + ox) * c
                        let best = y.pointer + o, bestIdx = arg.baseAddress! + o
                        // Cells in row-major window order; a padding cell is the value 0 at index −1.
                        // Branch-free inner loops over channels, strict > keeps the first maximum.
                        var first = true
                        for ky in 0..<window {
                            let iy = oy * stride - pad + ky
                            for kx in 0..<window {
                                let ix = ox * stride - pad + kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    let base = ((b * h + iy) * w + ix) * c
                                    let row = x.pointer + base
                                    if first {
                                        for ch in 0..<c { best[ch] = row[ch]; bestIdx[ch] = Int32(base + ch) }
                                    } else {
                                        for ch in 0..<c where row[ch] > best[ch] { best[ch] = row[ch]; bestIdx[ch] = Int32(base + ch) }
                                    }
                                } else if first {
                                    for ch in 0..<c { best[ch] = 0; bestIdx[ch] = -1 }
                                } else {
                                    for ch in 0..<c where 0 > best[ch] { best[ch] = 0; bestIdx[ch] = -1 }
                                }
                                first = false
                            }
                        }
                    }
                }
            }
        }
        return (y, argmax)
    }

    /// Routes each output gradient to its input maximum; a padding maximum drops it.
    public static func backward<T: TensorScalar>(_ dy: Tensor<T>, argmax: [Int32], inputShape: [Int]) -> Tensor<T> {
        let dx = Tensor<T>(zeros: inputShape)
        for i in 0..<dy.count where argmax[i] >= 0 { dx.pointer[Int(argmax[i])] += dy.pointer[i] }
        return dx
    }
}
