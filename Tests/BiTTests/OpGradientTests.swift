import Testing
@testable import BiT

/// Each op's backward pass against central finite differences of its own forward pass, in Double.
@Suite struct OpGradientTests {
    static let geometries: [ConvGeometry] = [
        .init(kernel: 1),
        .init(kernel: 1, stride: 2),
        .init(kernel: 3, stride: 1, padding: 1),
        .init(kernel: 3, stride: 2, padding: 1),
        .init(kernel: 7, stride: 2, padding: 3),
        .init(kernelHeight: 2, kernelWidth: 3, stride: 2, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1),
    ]

    @Test(arguments: geometries)
    func convolution(_ g: ConvGeometry) {
        let x = GradientCheck.random([2, 7, 6, 3], seed: 1)
        let w = GradientCheck.random([g.kernelHeight, g.kernelWidth, 3, 4], seed: 2)
        let y = Conv2D.forward(x, kernel: w, geometry: g)
        #expect(y.shape == [2, g.outputHeight(7), g.outputWidth(6), 4])
        let r = GradientCheck.random(y.shape, seed: 3)
        let dw = Tensor<Double>(zeros: w.shape)
        let dx = Conv2D.backward(r, input: x, kernel: w, geometry: g, kernelGradient: dw)!
        let f = { GradientCheck.project(Conv2D.forward(x, kernel: w, geometry: g), r) }
        #expect(GradientCheck.maxError(dx.array, GradientCheck.numeric(x, f)) < 1e-7)
        #expect(GradientCheck.maxError(dw.array, GradientCheck.numeric(w, f)) < 1e-7)
    }

    @Test func convolutionMatchesDirectSum() {
        // An independent definition: the sum written out, no im2col, no BLAS.
        let g = ConvGeometry(kernel: 3, stride: 2, padding: 1)
        let x = GradientCheck.random([1, 5, 4, 2], seed: 4)
        let w = GradientCheck.random([3, 3, 2, 3], seed: 5)
        let y = Conv2D.forward(x, kernel: w, geometry: g)
        for oy in 0..<3 { for ox in 0..<2 { for o in 0..<3 {
            var s = 0.0
            for ky in 0..<3 { for kx in 0..<3 { for i in 0..<2 {
                let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                if iy >= 0, iy < 5, ix >= 0, ix < 4 { s += x[(iy * 4 + ix) * 2 + i] * w[((ky * 3 + kx) * 2 + i) * 3 + o] }
            } } }
            #expect(abs(y[(oy * 2 + ox) * 3 + o] - s) < 1e-12)
        } } }
    }

    @Test(arguments: [ConvGeometry(kernel: 1), ConvGeometry(kernel: 3, stride: 2, padding: 1)])
    func convolutionOverwritesKernelGradient(_ g: ConvGeometry) {
        // Whatever the gradient tensor held before (NaN here) must not leak into the result.
        let x = GradientCheck.random([2, 7, 6, 3], seed: 45)
        let w = GradientCheck.random([g.kernelHeight, g.kernelWidth, 3, 4], seed: 46)
        let dy = GradientCheck.random(Conv2D.forward(x, kernel: w, geometry: g).shape, seed: 47)
        let added = Tensor<Double>(zeros: w.shape), stored = Tensor<Double>(shape: w.shape) { _ in .nan }
        _ = Conv2D.backward(dy, input: x, kernel: w, geometry: g, kernelGradient: added)
        _ = Conv2D.backward(dy, input: x, kernel: w, geometry: g, kernelGradient: stored, overwriteKernelGradient: true)
        #expect(stored.array == added.array)
    }

    @Test func convolutionAcrossPatchTiles() {
        // 512 output rows of a 4608-wide patch matrix take two tiles; forward and both
        // gradients must equal the sums written out, whatever the tiling.
        let g = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let (n, h, w, c, o) = (2, 16, 16, 512, 2)
        #expect(Conv2D.tileBytes / (9 * c * MemoryLayout<Double>.stride) < n * h * w)
        let x = GradientCheck.random([n, h, w, c], seed: 40)
        let k = GradientCheck.random([3, 3, c, o], seed: 41)
        let y = Conv2D.forward(x, kernel: k, geometry: g)
        let dy = GradientCheck.random(y.shape, seed: 42)
        let dk = Tensor<Double>(zeros: k.shape)
        let dx = Conv2D.backward(dy, input: x, kernel: k, geometry: g, kernelGradient: dk)!
        var (yErr, dxErr, dkErr) = (0.0, 0.0, 0.0)
        let ref = Tensor<Double>(zeros: y.shape), dxRef = Tensor<Double>(zeros: x.shape), dkRef = Tensor<Double>(zeros: k.shape)
        for b in 0..<n { for oy in 0..<h { for ox in 0..<w { for ky in 0..<3 { for kx in 0..<3 {
            let iy = oy - 1 + ky, ix = ox - 1 + kx
            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
            let xi = ((b * h + iy) * w + ix) * c, yi = ((b * h + oy) * w + ox) * o
            for i in 0..<c { for j in 0..<o {
                let ki = ((ky * 3 + kx) * c + i) * o + j
                ref[yi + j] += x[xi + i] * k[ki]
                dxRef[xi + i] += dy[yi + j] * k[ki]
                dkRef[ki] += x[xi + i] * dy[yi + j]
            } }
        } } } } }
        for i in 0..<y.count { yErr = max(yErr, abs(y[i] - ref[i])) }
        for i in 0..<x.count { dxErr = max(dxErr, abs(dx[i] - dxRef[i])) }
        for i in 0..<k.count { dkErr = max(dkErr, abs(dk[i] - dkRef[i])) }
        #expect(yErr < 1e-9 && dxErr < 1e-9 && dkErr < 1e-9)
    }

    @Test func weightStandardization() {
        let w = GradientCheck.random([3, 3, 4, 5], seed: 6)
        for i in 0..<w.count { w[i] += Double(i % 5) * 0.3 }  // per-channel offsets, so the mean matters
        let (s, inv) = WeightStandardization.forward(w)
        for o in 0..<5 {
            let col: [Double] = stride(from: o, to: w.count, by: 5).map { s[$0] }
            let mean: Double = col.reduce(0, +) / Double(col.count)
            var variance = 0.0
            for v in col { variance += (v - mean) * (v - mean) }
            variance /= Double(col.count)
            #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-9)
        }
        let r = GradientCheck.random(w.shape, seed: 7)
        let dw = WeightStandardization.backward(r, standardized: s, inverseStd: inv)
        let numeric = GradientCheck.numeric(w) { GradientCheck.project(WeightStandardization.forward(w).standardized, r) }
        #expect(GradientCheck.maxError(dw.array, numeric) < 1e-7)
    }

    /// On 2 threads the 256 positions are split between workers, which share the shift.
    @Test(arguments: [1, 2])
    func groupNormInFloatSurvivesLargeMeans(threads: Int) {
        // Activations far from zero against their spread: E[x²] − E[x]² in Float would cancel
        // to noise. The Float statistics must match the Double definition.
        var rng = SeededRandom(seed: 44)
        let values = (0..<(2 * 16 * 16 * 8)).map { i in 3000 + Double(i % 8) * 40 + rng.nextNormal() * 0.05 }
        let xd = Tensor<Double>(shape: [2, 16, 16, 8], values: values)
        let xf: Tensor<Float> = xd.converted()
        let ones = Tensor<Float>(shape: [8]) { _ in 1 }, zeros = Tensor<Float>(zeros: [8])
        let (_, stats) = GroupNorm.forward(xf, gamma: ones, beta: zeros, groups: 4, relu: false, threads: threads)
        for s in 0..<2 {
            for g in 0..<4 {
                var group: [Double] = []
                for q in 0..<256 { for ch in 2 * g..<2 * g + 2 { group.append(Double(xf[(s * 256 + q) * 8 + ch])) } }
                let mean = group.reduce(0, +) / Double(group.count)
                let variance = group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(group.count)
                let inv = 1 / (variance + GroupNorm.epsilon).squareRoot()
                #expect(abs(Double(stats.mean[s * 4 + g]) - mean) / mean < 1e-6)
                #expect(abs(Double(stats.inverseStd[s * 4 + g]) - inv) / inv < 1e-4)
            }
        }
    }

    @Test(arguments: [false, true])
    func groupNorm(relu: Bool) {
        let x = GradientCheck.random([2, 3, 4, 8], seed: 8)
        for i in 0..<x.count { x[i] += Double((i % 8) / 2) }  // groups with different means
        let gamma = GradientCheck.random([8], seed: 9), beta = GradientCheck.random([8], seed: 10)
        for i in 0..<8 { gamma[i] += 1.5 }
        let (y, stats) = GroupNorm.forward(x, gamma: gamma, beta: beta, groups: 4, relu: relu)
        let r = GradientCheck.random(y.shape, seed: 11)
        let dg = Tensor<Double>(zeros: [8]), db = Tensor<Double>(zeros: [8])
        let dx = GroupNorm.backward(r, input: x, output: y, gamma: gamma, statistics: stats, groups: 4, relu: relu,
                                    gammaGradient: dg, betaGradient: db)
        let f = { GradientCheck.project(GroupNorm.forward(x, gamma: gamma, beta: beta, groups: 4, relu: relu).output, r) }
        #expect(GradientCheck.maxError(dx.array, GradientCheck.numeric(x, f)) < 1e-6)
        #expect(GradientCheck.maxError(dg.array, GradientCheck.numeric(gamma, f)) < 1e-6)
        #expect(GradientCheck.maxError(db.array, GradientCheck.numeric(beta, f)) < 1e-6)
    }

    @Test func groupNormStatisticsMatchDefinition() {
        // Per sample and contiguous channel group, biased variance, ε = 1e-5 inside the root.
        let x = GradientCheck.random([1, 2, 2, 4], seed: 12, scale: 3)
        let ones = Tensor<Double>(shape: [4]) { _ in 1 }, zeros = Tensor<Double>(zeros: [4])
        let (y, _) = GroupNorm.forward(x, gamma: ones, beta: zeros, groups: 2, relu: false)
        for g in 0..<2 {
            var idx: [Int] = []
            for p in 0..<4 { idx += [p * 4 + 2 * g, p * 4 + 2 * g + 1] }
            let v: [Double] = idx.map { x[$0] }
            let mean: Double = v.reduce(0, +) / 8
            var variance = 0.0
            for e in v { variance += (e - mean) * (e - mean) }
            variance /= 8
            for i in idx {
                let expected: Double = (x[i] - mean) / (variance + 1e-5).squareRoot()
                #expect(abs(y[i] - expected) < 1e-12)
            }
        }
    }

    @Test func stemMaxPool() {
        // Distinct values (a shuffled ramp), so that every window has a unique maximum.
        let x = Tensor<Double>(zeros: [2, 7, 6, 3])
        var rng = SeededRandom(seed: 13)
        var values = (0..<x.count).map { Double($0) / Double(x.count) - 0.6 }
        values.shuffle(using: &rng)
        for i in 0..<x.count { x[i] = values[i] }
        let y = StemMaxPool.forward(x), argmax = StemMaxPool.argmax(x, pooled: y)
        #expect(y.shape == [2, 4, 3, 3])
        let r = GradientCheck.random(y.shape, seed: 14)
        let dx = StemMaxPool.backward(r, argmax: argmax, inputShape: x.shape)
        let numeric = GradientCheck.numeric(x, h: 1e-9) { GradientCheck.project(StemMaxPool.forward(x), r) }
        #expect(GradientCheck.maxError(dx.array, numeric) < 1e-5)
    }

    @Test func stemMaxPoolPadsWithZeroAndBreaksTiesFirst() {
        // All-negative input: border windows see the zero padding, interior ones do not.
        let x = Tensor<Double>(shape: [1, 4, 4, 1]) { _ in -1 }
        x[5] = -0.5  // (1, 1)
        let y = StemMaxPool.forward(x), argmax = StemMaxPool.argmax(x, pooled: y)
        // Output (1, 1) reads rows and columns 1...3, all inside: its max is the real -0.5.
        #expect(y.array == [0, 0, 0, -0.5])
        #expect(argmax == [-1, -1, -1, 5])
        let dx = StemMaxPool.backward(Tensor(shape: [1, 2, 2, 1], values: [1, 1, 1, 1]), argmax: argmax, inputShape: x.shape)
        #expect(dx.array == (0..<16).map { $0 == 5 ? 1 : 0 })
        // A tie inside one window: the whole gradient goes to the first element in row-major order.
        let t = Tensor<Double>(shape: [1, 3, 3, 1], values: [1, 5, 5, 2, 5, 1, 0, 0, 0])
        let ty = StemMaxPool.forward(t), targ = StemMaxPool.argmax(t, pooled: ty)
        #expect(ty[0] == 5 && targ[0] == 1)
        let dt = StemMaxPool.backward(Tensor(shape: ty.shape, values: [1, 0, 0, 0]), argmax: targ, inputShape: t.shape)
        #expect(dt.array == [0, 1, 0, 0, 0, 0, 0, 0, 0])
        // Padding zero ties with a real zero: the padding comes first in the window, the gradient is dropped.
        let z = Tensor<Double>(shape: [1, 2, 2, 1], values: [0, -1, -1, -1])
        let zy = StemMaxPool.forward(z), zarg = StemMaxPool.argmax(z, pooled: zy)
        #expect(zy[0] == 0 && zarg[0] == -1)
    }

    @Test func globalAveragePool() {
        let x = GradientCheck.random([2, 3, 5, 4], seed: 15)
        let y = GlobalAveragePool.forward(x)
        #expect(abs(y[1 * 4 + 2] - (0..<15).map { x[(15 + $0) * 4 + 2] }.reduce(0, +) / 15) < 1e-12)
        let r = GradientCheck.random(y.shape, seed: 16)
        let dx = GlobalAveragePool.backward(r, inputShape: x.shape)
        #expect(GradientCheck.maxError(dx.array, GradientCheck.numeric(x) { GradientCheck.project(GlobalAveragePool.forward(x), r) }) < 1e-8)
    }

    @Test func denseHead() {
        let x = GradientCheck.random([3, 5], seed: 17)
        let w = GradientCheck.random([1, 1, 5, 4], seed: 18), b = GradientCheck.random([4], seed: 19)
        let y = Dense.forward(x, kernel: w, bias: b)
        let r = GradientCheck.random(y.shape, seed: 20)
        let dw = Tensor<Double>(zeros: w.shape), db = Tensor<Double>(zeros: b.shape)
        let dx = Dense.backward(r, input: x, kernel: w, kernelGradient: dw, biasGradient: db)
        let f = { GradientCheck.project(Dense.forward(x, kernel: w, bias: b), r) }
        #expect(GradientCheck.maxError(dx.array, GradientCheck.numeric(x, f)) < 1e-8)
        #expect(GradientCheck.maxError(dw.array, GradientCheck.numeric(w, f)) < 1e-8)
        #expect(GradientCheck.maxError(db.array, GradientCheck.numeric(b, f)) < 1e-8)
    }

    @Test func crossEntropyWithLabels() {
        let logits = GradientCheck.random([4, 3], seed: 21, scale: 4)
        let labels = [0, 2, 1, 2]
        let (loss, grad) = SoftmaxCrossEntropy.forward(logits, labels: labels)
        // Independent value: −log of the softmax written out.
        var expected = 0.0
        for (r, l) in labels.enumerated() {
            let z = (0..<3).map { Double.exp(logits[r * 3 + $0]) }
            expected -= Double.log(z[l] / z.reduce(0, +))
        }
        #expect(abs(loss - expected / 4) < 1e-12)
        #expect(GradientCheck.maxError(grad.array, GradientCheck.numeric(logits) { SoftmaxCrossEntropy.forward(logits, labels: labels).loss }) < 1e-8)
    }

    @Test func crossEntropyWithSoftLabels() {
        let logits = GradientCheck.random([3, 4], seed: 22, scale: 4)
        let targets = Tensor<Double>(shape: [3, 4], values: [0.9, 0.1, 0, 0, 0, 0, 0.3, 0.7, 0.25, 0.25, 0.25, 0.25])
        let (_, grad) = SoftmaxCrossEntropy.forward(logits, targets: targets, normalizer: 6)
        let numeric = GradientCheck.numeric(logits) { SoftmaxCrossEntropy.forward(logits, targets: targets, normalizer: 6).loss }
        #expect(GradientCheck.maxError(grad.array, numeric) < 1e-8)
        // Soft labels that are one-hot equal integer labels.
        let oneHot = Tensor<Double>(shape: [3, 4], values: [0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0])
        #expect(abs(SoftmaxCrossEntropy.forward(logits, targets: oneHot).loss - SoftmaxCrossEntropy.forward(logits, labels: [1, 3, 0]).loss) < 1e-12)
    }

    @Test func softmaxRowsSumToOne() {
        let p = SoftmaxCrossEntropy.softmax(GradientCheck.random([5, 7], seed: 23, scale: 50))
        for r in 0..<5 { #expect(abs((0..<7).map { p[r * 7 + $0] }.reduce(0, +) - 1) < 1e-12) }
    }
}
