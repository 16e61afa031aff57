/// The classification head: logits = features · W + b (BiT's 1×1 convolution on the pooled map).
///
/// W is the checkpoint's (1, 1, F, K) kernel, whose memory is the F × K matrix. Not weight-standardised.
public enum Dense {
    /// [N, F] features → [N, K] logits.
    public static func forward<T: TensorScalar>(_ x: Tensor<T>, kernel w: Tensor<T>, bias: Tensor<T>) -> Tensor<T> {
        let n = x.shape[0], f = x.shape[1], k = bias.count
        precondition(w.count == f * k, "head kernel \(w.shape) does not map \(f) features to \(k) classes")
        let y = Tensor<T>(uninitialized: [n, k])
        for r in 0..<n { (y.pointer + r * k).update(from: bias.pointer, count: k) }
        T.gemm(transA: false, transB: false, m: n, n: k, k: f, alpha: 1, a: x.pointer, lda: f,
               b: w.pointer, ldb: k, beta: 1, c: y.pointer, ldc: k)
        return y
    }

    /// dL/dx from dL/dlogits; adds dL/dW and dL/db into the given tensors.
    public static func backward<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, kernel w: Tensor<T>,
        kernelGradient dw: Tensor<T>, biasGradient db: Tensor<T>
    ) -> Tensor<T> {
        let n = x.shape[0], f = x.shape[1], k = dy.shape[1]
        T.gemm(transA: true, transB: false, m: f, n: k, k: n, alpha: 1, a: x.pointer, lda: f,
               b: dy.pointer, ldb: k, beta: 1, c: dw.pointer, ldc: k)
        for r in 0..<n {
            for j in 0..<k { db[j] += dy[r * k + j] }
        }
        let dx = Tensor<T>(uninitialized: x.shape)
        T.gemm(transA: false, transB: true, m: n, n: f, k: k, alpha: 1, a: dy.pointer, lda: k,
               b: w.pointer, ldb: k, beta: 0, c: dx.pointer, ldc: f)
        return dx
    }
}
