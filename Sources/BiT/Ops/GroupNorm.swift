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
    ///
    /// `inPlace` writes y over x (inference, where x is dead afterwards): the second pass then
    /// rewrites cache lines it just read instead of pulling in a fresh buffer's. `threads`
    /// workers share each sample (a single image's layers): by positions where there are more
    /// than `groupSplitMaxPositions`, as the convolutions around them are split, so each
    /// worker reads what it wrote; by groups otherwise.
    public static func forward<T: TensorScalar>(
        _ x: Tensor<T>, gamma: Tensor<T>, beta: Tensor<T>, groups: Int, relu: Bool, inPlace: Bool = false, threads: Int = 1
    ) -> (output: Tensor<T>, statistics: Statistics<T>) {
        let (n, p, c) = layout(x, groups: groups)
        precondition(gamma.count == c && beta.count == c, "GroupNorm: \(c) channels, γ \(gamma.count), β \(beta.count)")
        let y = inPlace ? x : Tensor<T>(uninitialized: x.shape)
        // Per (sample, group): the means, then the 1/σ.
        let stats = Tensor<T>(zeros: [2, n * groups])
        let layer = Layer(x: x, y: y, gamma: gamma, beta: beta, groups: groups, relu: relu,
                          means: stats.pointer, inverseStds: stats.pointer + n * groups)
        for s in 0..<n where p > 0 {
            if threads > 1 && p > groupSplitMaxPositions {
                layer.normalizeByPositions(sample: s, threads: threads)
            } else {
                let parts = Parallel.split(groups, into: threads)
                Parallel.share(parts.count) { part in layer.normalize(sample: s, groups: parts[part]) }
            }
        }
        let all = Array(UnsafeBufferPointer(start: stats.pointer, count: 2 * n * groups))
        return (y, Statistics(mean: Array(all[..<(n * groups)]), inverseStd: Array(all[(n * groups)...])))
    }

    /// Most positions per sample for which workers split a sample's groups rather than its
    /// positions: the packed convolutions around such layers split their columns.
    static var groupSplitMaxPositions: Int { PackedConv2D.panelSplitMaxRows }

    /// One forward call's tensors, shared by the workers.
    struct Layer<T: TensorScalar>: @unchecked Sendable {
        let x: Tensor<T>, y: Tensor<T>, gamma: Tensor<T>, beta: Tensor<T>, groups: Int, relu: Bool
        let means: UnsafeMutablePointer<T>, inverseStds: UnsafeMutablePointer<T>

        /// Sample `s` over the groups `range`: their statistics, then y.
        func normalize(sample s: Int, groups range: Range<Int>) {
            let (_, p, c) = layout(x, groups: groups)
            let width = range.count * (c / groups), first = range.lowerBound * (c / groups)
            let scratch = UnsafeMutablePointer<T>.allocate(capacity: 4 * width)
            defer { scratch.deallocate() }
            let s1 = scratch, s2 = scratch + width, a = scratch + 2 * width, b = scratch + 3 * width
            let xs = x.pointer + s * p * c + first, ys = y.pointer + s * p * c + first
            // One pass over x: per channel, sums of d = x − k and d² around k = the channel's
            // first value. Shifting by a sample keeps E[d²] − E[d]² free of the cancellation
            // that E[x²] − E[x]² suffers when the mean is large against the spread.
            shiftedSums(xs, positions: p, channels: width, stride: c, shift: xs, sums: s1, squares: s2)
            coefficients(sample: s, groups: range, shift: xs, sums: s1, squares: s2, scale: a, offset: b)
            apply(xs, ys, positions: 0..<p, channels: width, stride: c, scale: a, offset: b)
        }

        /// Sample `s` with its positions split across `threads` workers: each sums its
        /// positions around the same shift, the sums add up, then each writes its positions.
        func normalizeByPositions(sample s: Int, threads: Int) {
            let (_, p, c) = layout(x, groups: groups)
            let parts = Parallel.split(p, into: threads)
            let scratch = UnsafeMutablePointer<T>.allocate(capacity: (2 * parts.count + 2) * c)
            defer { scratch.deallocate() }
            let offset = s * p * c
            let partial = Shared(scratch + 2 * c)
            Parallel.share(parts.count) { i in
                let xs = x.pointer + offset
                shiftedSums(xs + parts[i].lowerBound * c, positions: parts[i].count, channels: c, stride: c, shift: xs,
                            sums: partial.pointer + 2 * i * c, squares: partial.pointer + (2 * i + 1) * c)
            }
            // In part order, so the same thread count gives the same bits.
            let s1 = scratch, s2 = scratch + c
            s1.update(from: partial.pointer, count: c)
            s2.update(from: partial.pointer + c, count: c)
            for i in 1..<parts.count {
                for ch in 0..<c {
                    s1[ch] += partial.pointer[2 * i * c + ch]
                    s2[ch] += partial.pointer[(2 * i + 1) * c + ch]
                }
            }
            // The partial sums are spent: the coefficients take their place.
            coefficients(sample: s, groups: 0..<groups, shift: x.pointer + offset, sums: s1, squares: s2,
                         scale: partial.pointer, offset: partial.pointer + c)
            Parallel.share(parts.count) { i in
                apply(x.pointer + offset, y.pointer + offset, positions: parts[i], channels: c, stride: c,
                      scale: partial.pointer, offset: partial.pointer + c)
            }
        }

        /// Per group of `range`: mean and 1/σ from its channels' shifted sums over all of the
        /// sample's positions (combined in Double, Chan et al.'s pairwise update), stored in
        /// the statistics; per channel, y = scale·x + offset. `shift` and the four arrays
        /// start at the range's first channel.
        func coefficients(
            sample s: Int, groups range: Range<Int>, shift xs: UnsafePointer<T>, sums s1: UnsafePointer<T>, squares s2: UnsafePointer<T>,
            scale a: UnsafeMutablePointer<T>, offset b: UnsafeMutablePointer<T>
        ) {
            let (_, p, c) = layout(x, groups: groups)
            let cg = c / groups, first = range.lowerBound * cg
            let count = Double(p)
            for g in range {
                let channels = (g - range.lowerBound) * cg..<(g - range.lowerBound + 1) * cg
                var mean = 0.0
                for ch in channels { mean += Double(xs[ch]) + Double(s1[ch]) / count }
                mean /= Double(cg)
                var m2 = 0.0
                for ch in channels {
                    let channelMean = Double(xs[ch]) + Double(s1[ch]) / count
                    let channelM2 = Swift.max(Double(s2[ch]) - Double(s1[ch]) * Double(s1[ch]) / count, 0)
                    m2 += channelM2 + count * (channelMean - mean) * (channelMean - mean)
                }
                let inv = 1 / (m2 / (count * Double(cg)) + epsilon).squareRoot()
                means[s * groups + g] = T(mean)
                inverseStds[s * groups + g] = T(inv)
                for ch in channels {
                    a[ch] = T(inv) * gamma[first + ch]
                    b[ch] = beta[first + ch] - T(mean) * a[ch]
                }
            }
        }

        /// y = scale·x + offset (then ReLU) for `channels` channels at `positions`.
        func apply(
            _ xs: UnsafePointer<T>, _ ys: UnsafeMutablePointer<T>, positions: Range<Int>, channels width: Int, stride c: Int,
            scale a: UnsafePointer<T>, offset b: UnsafePointer<T>
        ) {
            @inline(__always) func row(_ xr: UnsafePointer<T>, _ yr: UnsafeMutablePointer<T>) {
                if relu {
                    for ch in 0..<width { yr[ch] = Swift.max(xr[ch] * a[ch] + b[ch], 0) }
                } else {
                    for ch in 0..<width { yr[ch] = xr[ch] * a[ch] + b[ch] }
                }
            }
            // In place, one pointer for both: with two, the vectorised loop checks them for
            // overlap at run time and, as they do overlap, runs its scalar fallback.
            for q in positions {
                if xs == UnsafePointer(ys) { row(UnsafePointer(ys + q * c), ys + q * c) } else { row(xs + q * c, ys + q * c) }
            }
        }
    }

    /// dL/dx from dL/dy; adds dL/dγ and dL/dβ into the given tensors.
    ///
    /// With x̂ = (x − μ)·r and D = γ⊙dy: dx = r·(D − mean(D) − x̂·mean(D⊙x̂)), the means over
    /// each group's m elements, which reduces to dx = A_c·dy + B_g·x + C_g per channel.
    /// With `relu`, dy is first masked by the forward output (`output` > 0). `residual`, when
    /// given, is added to dx in the same pass (a shortcut's gradient meeting this one).
    public static func backward<T: TensorScalar>(
        _ dy: Tensor<T>, input x: Tensor<T>, output y: Tensor<T>, gamma: Tensor<T>,
        statistics stats: Statistics<T>, groups: Int, relu: Bool,
        gammaGradient dGamma: Tensor<T>, betaGradient dBeta: Tensor<T>, adding residual: Tensor<T>? = nil
    ) -> Tensor<T> {
        let (n, p, c) = layout(x, groups: groups)
        precondition(residual == nil || residual!.shape == x.shape)
        let cg = c / groups, m = T(p * cg)
        let dx = Tensor<T>(uninitialized: x.shape)
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: 5 * c)
        defer { scratch.deallocate() }
        let sumDy = scratch, sumDyX = scratch + c, coefA = scratch + 2 * c, coefB = scratch + 3 * c, coefC = scratch + 4 * c
        // The ReLU mask as a threshold: y > −∞ keeps every element.
        let floor: T = relu ? 0 : -.infinity
        for s in 0..<n {
            let off = s * p * c
            let xs = x.pointer + off, ys = y.pointer + off, dys = dy.pointer + off, dxs = dx.pointer + off
            maskedSums(dys, x: xs, y: ys, floor: floor, positions: p, channels: c, sums: sumDy, products: sumDyX)
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
            if let rs = residual.map({ $0.pointer + off }) {
                for q in 0..<p {
                    let xr = xs + q * c, yr = ys + q * c, dr = dys + q * c, rr = rs + q * c, out = dxs + q * c
                    for ch in 0..<c {
                        let d = yr[ch] > floor ? dr[ch] : 0
                        out[ch] = coefA[ch] * d + coefB[ch] * xr[ch] + coefC[ch] + rr[ch]
                    }
                }
            } else {
                for q in 0..<p {
                    let xr = xs + q * c, yr = ys + q * c, dr = dys + q * c, out = dxs + q * c
                    for ch in 0..<c {
                        let d = yr[ch] > floor ? dr[ch] : 0
                        out[ch] = coefA[ch] * d + coefB[ch] * xr[ch] + coefC[ch]
                    }
                }
            }
        }
        return dx
    }

    /// Per channel, Σ (x − k) and Σ (x − k)² over the `p` positions at x, `stride` apart,
    /// k being the channel's value at `shift`, for `c` channels.
    static func shiftedSums<T: TensorScalar>(
        _ x: UnsafePointer<T>, positions p: Int, channels c: Int, stride: Int, shift: UnsafePointer<T>,
        sums: UnsafeMutablePointer<T>, squares: UnsafeMutablePointer<T>
    ) {
        // 32 channels' accumulators stay in vector registers while the positions go by,
        // instead of a load and store of a row of accumulators per position.
        typealias V = SIMD16<T>
        var ch = 0
        while ch + 32 <= c {
            let k0 = load(shift + ch) as V, k1 = load(shift + ch + 16) as V
            var (a0, a1, b0, b1) = (V(), V(), V(), V())
            var row = x + ch
            for _ in 0..<p {
                let d0 = load(row) - k0, d1 = load(row + 16) - k1
                a0 += d0; a1 += d1
                b0.addProduct(d0, d0); b1.addProduct(d1, d1)
                row += stride
            }
            store(a0, sums + ch); store(a1, sums + ch + 16); store(b0, squares + ch); store(b1, squares + ch + 16)
            ch += 32
        }
        for ch in ch..<c {
            var (a, b): (T, T) = (0, 0)
            for q in 0..<p {
                let d = x[q * stride + ch] - shift[ch]
                a += d
                b += d * d
            }
            (sums[ch], squares[ch]) = (a, b)
        }
    }

    /// Per channel, Σ d and Σ d·x over all positions, d = dy where y > floor, else 0.
    ///
    /// Row by row: Swift's SIMD masks (for the ReLU test) compile to per-lane code, while
    /// this loop vectorises with compare-and-mask instructions.
    static func maskedSums<T: TensorScalar>(
        _ dy: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafePointer<T>, floor: T, positions p: Int, channels c: Int,
        sums: UnsafeMutablePointer<T>, products: UnsafeMutablePointer<T>
    ) {
        sums.update(repeating: 0, count: c)
        products.update(repeating: 0, count: c)
        for q in 0..<p {
            let xr = x + q * c, yr = y + q * c, dr = dy + q * c
            for ch in 0..<c {
                let d = yr[ch] > floor ? dr[ch] : 0
                sums[ch] += d
                products[ch] += d * xr[ch]
            }
        }
    }

    @inline(__always)
    static func load<T: TensorScalar>(_ p: UnsafePointer<T>) -> SIMD16<T> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<T>.self) }
    @inline(__always)
    static func store<T: TensorScalar>(_ v: SIMD16<T>, _ p: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<T>.self) }

    /// (samples, positions per sample, channels) of an [N, ..., C] tensor.
    static func layout<T>(_ x: Tensor<T>, groups: Int) -> (Int, Int, Int) {
        precondition(x.shape.count >= 2, "GroupNorm needs [N, ..., C], got \(x.shape)")
        let n = x.shape[0], c = x.shape.last!
        precondition(groups > 0 && c % groups == 0, "GroupNorm: \(c) channels do not split into \(groups) groups")
        return (n, n == 0 ? 0 : x.count / (n * c), c)
    }
}
