/// BiT's stem pooling: zero padding of 1 on every side, then a 3×3 stride-2 VALID max-pool.
///
/// The padding is the value 0, not −∞ (PyTorch's MaxPool2d padding), so border windows of the
/// signed stem output are clamped at ≥ 0; the official code notes the two differ.
public enum StemMaxPool {
    static let window = 3, stride = 2, pad = 1

    /// Output side for an input side.
    public static func outputSize(_ size: Int) -> Int { (size + 2 * pad - window) / stride + 1 }

    /// The pooled tensor.
    public static func forward<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
        let (n, h, w, c) = Conv2D.dims(x)
        let oh = outputSize(h), ow = outputSize(w)
        let y = Tensor<T>(uninitialized: [n, oh, ow, c])
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let best = y.pointer + ((b * oh + oy) * ow + ox) * c
                    // A window that touches the padding starts from its zero.
                    let padded = oy * stride - pad < 0 || ox * stride - pad < 0
                        || oy * stride - pad + window > h || ox * stride - pad + window > w
                    var first = !padded
                    if padded { best.update(repeating: 0, count: c) }
                    for iy in Swift.max(oy * stride - pad, 0)..<Swift.min(oy * stride - pad + window, h) {
                        for ix in Swift.max(ox * stride - pad, 0)..<Swift.min(ox * stride - pad + window, w) {
                            let row = x.pointer + ((b * h + iy) * w + ix) * c
                            if first {
                                best.update(from: row, count: c)
                                first = false
                            } else {
                                for ch in 0..<c { best[ch] = Swift.max(best[ch], row[ch]) }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Per output element, the flat input index of its maximum (−1 when the maximum is a
    /// padding zero): the first window cell, in row-major order, that holds the pooled value.
    public static func argmax<T: TensorScalar>(_ x: Tensor<T>, pooled y: Tensor<T>) -> [Int32] {
        let (n, h, w, c) = Conv2D.dims(x)
        precondition(x.count < Int(Int32.max), "tensor too large for 32-bit pooling indices")
        let oh = outputSize(h), ow = outputSize(w)
        var result = [Int32](repeating: -1, count: y.count)
        result.withUnsafeMutableBufferPointer { arg in
            for b in 0..<n {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = ((b * oh + oy) * ow + ox) * c
                        let best = y.pointer + o, idx = arg.baseAddress! + o
                        // Cells visited last to first, each overwriting on a match, leave the
                        // first match: branch-free selects instead of a search per channel.
                        for ky in (0..<window).reversed() {
                            let iy = oy * stride - pad + ky
                            for kx in (0..<window).reversed() {
                                let ix = ox * stride - pad + kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    let base = ((b * h + iy) * w + ix) * c, row = x.pointer + base
                                    // Non-trapping conversions (the precondition bounds every index) let this loop vectorise.
                                    let first = Int32(truncatingIfNeeded: base)
                                    for ch in 0..<c { idx[ch] = row[ch] == best[ch] ? first &+ Int32(truncatingIfNeeded: ch) : idx[ch] }
                                } else {
                                    for ch in 0..<c { idx[ch] = best[ch] == 0 ? -1 : idx[ch] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Routes each output gradient to its input maximum; a padding maximum drops it.
    public static func backward<T: TensorScalar>(_ dy: Tensor<T>, argmax: [Int32], inputShape: [Int]) -> Tensor<T> {
        let dx = Tensor<T>(zeros: inputShape)
        for i in 0..<dy.count where argmax[i] >= 0 { dx.pointer[Int(argmax[i])] += dy.pointer[i] }
        return dx
    }
}
