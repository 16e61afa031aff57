/// Mean over height and width: [N, H, W, C] → [N, C].
public enum GlobalAveragePool {
    /// The per-sample, per-channel mean over all positions.
    public static func forward<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
        let (n, h, w, c) = Conv2D.dims(x)
        let y = Tensor<T>(zeros: [n, c])
        let scale = 1 / T(h * w)
        for b in 0..<n {
            let out = y.pointer + b * c
            for q in 0..<h * w {
                let row = x.pointer + (b * h * w + q) * c
                for ch in 0..<c { out[ch] += row[ch] }
            }
            for ch in 0..<c { out[ch] *= scale }
        }
        return y
    }

    /// Spreads each gradient evenly over the positions it averaged.
    public static func backward<T: TensorScalar>(_ dy: Tensor<T>, inputShape: [Int]) -> Tensor<T> {
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let dx = Tensor<T>(uninitialized: inputShape)
        let scale = 1 / T(h * w)
        for b in 0..<n {
            let g = dy.pointer + b * c
            for q in 0..<h * w {
                let row = dx.pointer + (b * h * w + q) * c
                for ch in 0..<c { row[ch] = g[ch] * scale }
            }
        }
        return dx
    }
}
