/// Group normalisation over NHWC activations, optionally followed by ReLU (BiT's pre-activation).
///
/// Statistics are per sample and per group of contiguous channels, over (H, W, channels of the
/// group), with biased variance and ε = 1e-5. No batch statistics: a sample's output does not
/// depend on the rest of the batch, which makes micro-batching exact.
public enum GroupNorm {
    /// The epsilon of every BiT GroupNorm layer.
    public static let epsilon = 1e-5

    /// Per (sample, group) mean and 1/sqrt(σ² + ε), kept for the backward pass.
    public struct Statistics<T: TensorScalar>: Sendable {
        public var mean: [T]
        public var inverseStd: [T]
    }

    /// y = γ_c·(x − μ_g)/sqrt(σ²_g + ε) + β_c, then max(y, 0) when `relu`.
    public static func forward<T: TensorScalar>(
        _ x: Tensor<T>, gamma: Tensor<T>, beta: Tensor<T>, groups: Int, relu: Bool
    ) -> (output: Tensor<T>, statistics: Statistics<T>) {
        let (n, p, c) = layout(x, groups: groups)
        precondition(gamma.count == c && beta.count == c, "GroupNorm: \(c) channels, γ \(gamma.count), β \(beta.count)")
        let cg = c / groups, m = T(p * cg)
        let y = Tensor<T>(uninitialized: x.shape)
        var stats = Statistics<T>(mean: [T](repeating: 0, count: n * groups), inverseStd: [T](repeating: 0, count: n * groups))
        var acc = [T](repeating: 0, count: c)
        var muC = [T](repeating: 0, count: c)
        var a = [T](repeating: 0, count: c)
        var b = [T](repeating: 0, count: c)
        for s in 0..<n {
            let xs = x.pointer + s * p * c, ys = y.pointer + s * p * c
            // Two passes (mean, then squared deviations) avoid E[x²]−E[x]² cancellation.
            channelSums(xs, positions: p, channels: c, into: &acc)
            for g in 0..<groups {
                var total: T = 0
                for ch in g * cg..<(g + 1) * cg { total += acc[ch] }
                let mu = total / m
                for ch in g * cg..<(g + 1) * cg { muC[ch] = mu }
                stats.mean[s * groups + g] = mu
            }
            for ch in 0..<c { acc[ch] = 0 }
            acc.withUnsafeMutableBufferPointer { sq in
                muC.withUnsafeBufferPointer { mu in
                    for q in 0..<p {
                        let row = xs + q * c
                        for ch in 0..<c {
                            let d = row[ch] - mu[ch]
                            sq[ch] += d * d
                        }
                    }
                }
            }
            for g in 0..<groups {
                var total: T = 0
                for ch in g * cg..<(g + 1) * cg { total += acc[ch] }
                let inv = 1 / (total / m + T(epsilon)).squareRoot()
                stats.inverseStd[s * groups + g] = inv
                for ch in g * cg..<(g + 1) * cg {
                    a[ch] = inv * gamma[ch]
                    b[ch] = beta[ch] - muC[ch] * a[ch]
                }
            }
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for q in 0..<p {
                        let xr = xs + q * c, yr = ys + q * c
                        if relu {
                            for ch in 0..<c { yr[ch] = Swift.max(xr[ch] * a[ch] + b[ch], 0) }
                        } else {
                            for ch in 0..<c { yr[ch] = xr[ch] * a[ch] + b[ch] }
                        }
                    }
                }
            }
        }
        return (y, stats)
    }

    /// dL/dx from dL/dy; adds dL/dγ and dL/dβ into the given tensors.
    ///
    /// With x̂ = (x − μ)·r and D = γ⊙dy: dx = r·(D − mean(D) − x̂·mean(D⊙x̂)), the means over
    /// each group's m elements, which reduces to dx = A_c·dy + B_g·x + C_g per channel.
    /// With `relu`, dy is first masked by the forward output (`output` > 0).
    public static func backward<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, output y: Tensor<T>, gamma: Tensor<T>,
        statistics stats: Statistics<T>, groups: Int, relu: Bool,
        gammaGradient dGamma: Tensor<T>, betaGradient dBeta: Tensor<T>
    ) -> Tensor<T> {
        let (n, p, c) = layout(x, groups: groups)
        let cg = c / groups, m = T(p * cg)
        let dx = Tensor<T>(uninitialized: x.shape)
        var sumDy = [T](repeating: 0, count: c)
        var sumDyX = [T](repeating: 0, count: c)
        var coefA = [T](repeating: 0, count: c)
        var coefB = [T](repeating: 0, count: c)
        var coefC = [T](repeating: 0, count: c)
        for s in 0..<n {
            let off = s * p * c
            let xs = x.pointer + off, ys = y.pointer + off, dys = dy.pointer + off, dxs = dx.pointer + off
            for ch in 0..<c { sumDy[ch] = 0; sumDyX[ch] = 0 }
            sumDy.withUnsafeMutableBufferPointer { sd in
                sumDyX.withUnsafeMutableBufferPointer { sdx in
                    for q in 0..<p {
                        let xr = xs + q * c, yr = ys + q * c, dr = dys + q * c
                        for ch in 0..<c {
                            let d = relu && yr[ch] <= 0 ? 0 : dr[ch]
                            sd[ch] += d
                            sdx[ch] += d * xr[ch]
                        }
                    }
                }
            }
            for g in 0..<groups {
                let mu = stats.mean[s * groups + g], r = stats.inverseStd[s * groups + g]
                var meanD: T = 0, meanDXhat: T = 0
                for ch in g * cg..<(g + 1) * cg {
                    let dyXhat = (sumDyX[ch] - mu * sumDy[ch]) * r
                    dGamma[ch] += dyXhat
                    dBeta[ch] += sumDy[ch]
                    meanD += gamma[ch] * sumDy[ch]
                    meanDXhat += gamma[ch] * dyXhat
                }
                meanD /= m
                meanDXhat /= m
                for ch in g * cg..<(g + 1) * cg {
                    coefA[ch] = r * gamma[ch]
                    coefB[ch] = -r * r * meanDXhat
                    coefC[ch] = r * (mu * r * meanDXhat - meanD)
                }
            }
            coefA.withUnsafeBufferPointer { a in
                coefB.withUnsafeBufferPointer { b in
                    coefC.withUnsafeBufferPointer { cc in
                        for q in 0..<p {
                            let xr = xs + q * c, yr = ys + q * c, dr = dys + q * c, out = dxs + q * c
                            for ch in 0..<c {
                                let d = relu && yr[ch] <= 0 ? 0 : dr[ch]
                                out[ch] = a[ch] * d + b[ch] * xr[ch] + cc[ch]
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    static func channelSums<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, positions p: Int, channels c: Int, into acc: inout [T]) {
        acc.withUnsafeMutableBufferPointer { acc in
            for ch in 0..<c { acc[ch] = 0 }
            for q in 0..<p {
                let row = x + q * c
                for ch in 0..<c { acc[ch] += row[ch] }
            }
        }
    }

    /// (samples, positions per sample, channels) of an [N, ..., C] tensor.
    static func layout<T>(_ x: Tensor<T>, groups: Int) -> (Int, Int, Int) {
        precondition(x.shape.count >= 2, "GroupNorm needs [N, ..., C], got \(x.shape)")
        let n = x.shape[0], c = x.shape.last!
        precondition(groups > 0 && c % groups == 0, "GroupNorm: \(c) channels do not split into \(groups) groups")
        return (n, n == 0 ? 0 : x.count / (n * c), c)
    }
}
