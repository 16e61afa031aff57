/// Weight standardisation of an HWIO kernel: each output channel's fan-in scaled to mean 0, variance 1.
///
/// Ŵ[..., o] = (W[..., o] − μ_o) / sqrt(σ²_o + ε), biased variance over (kh, kw, cin), with the
/// ε = 1e-10 *inside* the square root that the official BiT code uses (timm's 1e-8 and the
/// WS paper's std + 1e-5 give measurably different outputs).
public enum WeightStandardization {
    /// The official checkpoints' epsilon.
    public static let epsilon = 1e-10

    /// The standardised kernel and, per output channel, 1 / sqrt(σ² + ε) for the backward pass.
    public static func forward<T: TensorScalar>(_ w: Tensor<T>) -> (standardized: Tensor<T>, inverseStd: [T]) {
        let cout = w.shape.last!, fanIn = w.count / cout
        // Double sums: a 3x3x512 fan-in in Float would lose digits the fixtures can see.
        var sum = [Double](repeating: 0, count: cout)
        var sumSq = [Double](repeating: 0, count: cout)
        for r in 0..<fanIn {
            let row = w.pointer + r * cout
            for o in 0..<cout { sum[o] += Double(row[o]) }
        }
        let mean = sum.map { $0 / Double(fanIn) }
        for r in 0..<fanIn {
            let row = w.pointer + r * cout
            for o in 0..<cout {
                let d = Double(row[o]) - mean[o]
                sumSq[o] += d * d
            }
        }
        let invStd = sumSq.map { 1 / ($0 / Double(fanIn) + epsilon).squareRoot() }
        let out = Tensor<T>(uninitialized: w.shape)
        let meanT = mean.map { T($0) }, invT = invStd.map { T($0) }
        for r in 0..<fanIn {
            let src = w.pointer + r * cout, dst = out.pointer + r * cout
            for o in 0..<cout { dst[o] = (src[o] - meanT[o]) * invT[o] }
        }
        return (out, invT)
    }

    /// dL/dW from dL/dŴ: (1/s)·(G − mean(G) − Ŵ·mean(G⊙Ŵ)) per output channel.
    public static func backward<T: TensorScalar>(
        _ g: Tensor<T>, standardized wHat: Tensor<T>, inverseStd: [T]
    ) -> Tensor<T> {
        let cout = g.shape.last!, fanIn = g.count / cout
        var meanG = [Double](repeating: 0, count: cout)
        var meanGW = [Double](repeating: 0, count: cout)
        for r in 0..<fanIn {
            let gr = g.pointer + r * cout, wr = wHat.pointer + r * cout
            for o in 0..<cout {
                meanG[o] += Double(gr[o])
                meanGW[o] += Double(gr[o]) * Double(wr[o])
            }
        }
        let mg = meanG.map { T($0 / Double(fanIn)) }, mgw = meanGW.map { T($0 / Double(fanIn)) }
        let dw = Tensor<T>(uninitialized: g.shape)
        for r in 0..<fanIn {
            let gr = g.pointer + r * cout, wr = wHat.pointer + r * cout, out = dw.pointer + r * cout
            for o in 0..<cout { out[o] = inverseStd[o] * (gr[o] - mg[o] - wr[o] * mgw[o]) }
        }
        return dw
    }
}
