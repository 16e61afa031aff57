/// Softmax and cross-entropy from logits, for integer labels and for soft (MixUp) labels.
public enum SoftmaxCrossEntropy {
    /// Row-wise softmax of [N, K] logits, computed stably (max subtracted).
    public static func softmax<T: TensorScalar>(_ logits: Tensor<T>) -> Tensor<T> {
        let n = logits.shape[0], k = logits.shape[1]
        let p = Tensor<T>(uninitialized: logits.shape)
        for r in 0..<n {
            let row = logits.pointer + r * k, out = p.pointer + r * k
            var top = row[0]
            for j in 1..<k { top = Swift.max(top, row[j]) }
            var sum: T = 0
            for j in 0..<k {
                out[j] = T.exp(row[j] - top)
                sum += out[j]
            }
            for j in 0..<k { out[j] /= sum }
        }
        return p
    }

    /// Mean over the batch of −log softmax(logits)[label], and its gradient.
    ///
    /// `normalizer` is the size of the whole batch when this is one micro-batch of it, so that
    /// summed micro-batch gradients equal the full batch's.
    public static func forward<T: TensorScalar>(
        _ logits: Tensor<T>, labels: [Int], normalizer: Int? = nil
    ) -> (loss: T, gradient: Tensor<T>) {
        let k = logits.shape[1]
        precondition(labels.count == logits.shape[0] && labels.allSatisfy { (0..<k).contains($0) }, "labels must lie in 0..<\(k)")
        let targets = Tensor<T>(zeros: logits.shape)
        for (r, label) in labels.enumerated() { targets[r * k + label] = 1 }
        return forward(logits, targets: targets, normalizer: normalizer)
    }

    /// Mean over the batch of −Σ_j target_j · log softmax(logits)_j, and its gradient (p − target)/N.
    public static func forward<T: TensorScalar>(
        _ logits: Tensor<T>, targets: Tensor<T>, normalizer: Int? = nil
    ) -> (loss: T, gradient: Tensor<T>) {
        precondition(targets.shape == logits.shape)
        let n = logits.shape[0], k = logits.shape[1]
        let scale = 1 / T(normalizer ?? n)
        let grad = Tensor<T>(uninitialized: logits.shape)
        var loss: T = 0
        for r in 0..<n {
            let row = logits.pointer + r * k, t = targets.pointer + r * k, g = grad.pointer + r * k
            var top = row[0]
            for j in 1..<k { top = Swift.max(top, row[j]) }
            var sum: T = 0
            for j in 0..<k { sum += T.exp(row[j] - top) }
            let logSum = top + T.log(sum)
            var targetMass: T = 0
            for j in 0..<k {
                loss -= t[j] * (row[j] - logSum)
                targetMass += t[j]
            }
            for j in 0..<k { g[j] = (T.exp(row[j] - logSum) * targetMass - t[j]) * scale }
        }
        return (loss * scale, grad)
    }
}
