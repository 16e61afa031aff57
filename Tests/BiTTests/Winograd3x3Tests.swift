import Testing
@testable import BiT

/// Winograd F(2x2, 3x3) against the convolution's sum written out (no transforms, no BLAS).
@Suite struct Winograd3x3Tests {
    /// y[b, oy, ox, o] = Σ x[b, oy+ky−1, ox+kx−1, i] · w[ky, kx, i, o], zero outside the image.
    static func directSum<T: TensorScalar>(_ x: Tensor<T>, _ w: Tensor<T>) -> [Double] {
        let (n, h, wd, c, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[3])
        var y = [Double](repeating: 0, count: n * h * wd * o)
        for b in 0..<n { for oy in 0..<h { for ox in 0..<wd { for ky in 0..<3 { for kx in 0..<3 {
            let iy = oy - 1 + ky, ix = ox - 1 + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            for i in 0..<c { for j in 0..<o {
                y[((b * h + oy) * wd + ox) * o + j] += Double(x[((b * h + iy) * wd + ix) * c + i]) * Double(w[((ky * 3 + kx) * c + i) * o + j])
            } }
        } } } } }
        return y
    }

    @Test func appliesOnlyToSame3x3StrideOne() {
        #expect(Winograd3x3.applies(to: ConvGeometry(kernel: 3, stride: 1, padding: 1)))
        #expect(!Winograd3x3.applies(to: ConvGeometry(kernel: 3, stride: 2, padding: 1)))
        #expect(!Winograd3x3.applies(to: ConvGeometry(kernel: 3, stride: 1, padding: 0)))
        #expect(!Winograd3x3.applies(to: ConvGeometry(kernel: 1)))
        #expect(!Winograd3x3.applies(to: ConvGeometry(kernelHeight: 3, kernelWidth: 3, stride: 1,
                                                      padTop: 1, padLeft: 1, padBottom: 2, padRight: 1)))
    }

    @Test(arguments: [(2, 5, 7, 19, 3), (1, 4, 4, 16, 17), (3, 1, 2, 1, 1), (1, 8, 6, 35, 33)])
    func matchesDirectSumInDouble(_ dims: (Int, Int, Int, Int, Int)) {
        // Odd sides (partial tiles), channel counts off the 16-lane chunks, and a 1-pixel row.
        let (n, h, w, c, o) = dims
        let x = GradientCheck.random([n, h, w, c], seed: 60)
        let k = GradientCheck.random([3, 3, c, o], seed: 61)
        let y = Winograd3x3.forward(x, transformedKernel: Winograd3x3.transformKernel(k))
        #expect(y.shape == [n, h, w, o])
        let ref = Self.directSum(x, k)
        #expect(zip(y.array, ref).map { abs($0 - $1) }.max()! < 1e-12)
    }

    @Test func floatStaysWithinAFewUlpsOfTheSum() {
        let x = GradientCheck.random([2, 9, 9, 64], seed: 62).converted(to: Float.self)
        let k = GradientCheck.random([3, 3, 64, 24], seed: 63).converted(to: Float.self)
        let y = Winograd3x3.forward(x, transformedKernel: Winograd3x3.transformKernel(k))
        let ref = Self.directSum(x, k)
        let scale = ref.map(abs).max()!
        let err = zip(y.array, ref).map { abs(Double($0) - $1) }.max()!
        #expect(err / scale < 2e-6)
        // The same inputs through im2col and one GEMM land as close to the sum.
        let direct = Conv2D.forward(x, kernel: k, geometry: ConvGeometry(kernel: 3, stride: 1, padding: 1))
        #expect(zip(y.array, direct.array).map { abs($0 - $1) }.max()! / Float(scale) < 2e-6)
    }

    @Test func accumulatesIntoAGivenTensor() {
        let x = GradientCheck.random([1, 6, 5, 7], seed: 64)
        let k = GradientCheck.random([3, 3, 7, 5], seed: 65)
        let base = GradientCheck.random([1, 6, 5, 5], seed: 66)
        let before = base.array
        let y = Winograd3x3.forward(x, transformedKernel: Winograd3x3.transformKernel(k), accumulatingInto: base)
        #expect(y === base)
        let ref = Self.directSum(x, k)
        #expect((0..<ref.count).map { abs(y[$0] - (before[$0] + ref[$0])) }.max()! < 1e-12)
    }

    @Test func inputGradientIsTheConvolutionsInputGradient() {
        // dL/dx written out: Σ over outputs that read x[iy, ix] of dy · w.
        let (n, h, w, c, o) = (2, 5, 6, 7, 9)
        let k = GradientCheck.random([3, 3, c, o], seed: 69)
        let dy = GradientCheck.random([n, h, w, o], seed: 70)
        let dx = Winograd3x3.inputGradient(dy, transformedKernel: Winograd3x3.transformKernel(k))
        #expect(dx.shape == [n, h, w, c])
        var err = 0.0
        for b in 0..<n { for iy in 0..<h { for ix in 0..<w { for i in 0..<c {
            var s = 0.0
            for ky in 0..<3 { for kx in 0..<3 {
                let oy = iy + 1 - ky, ox = ix + 1 - kx
                guard oy >= 0, oy < h, ox >= 0, ox < w else { continue }
                for j in 0..<o { s += dy[((b * h + oy) * w + ox) * o + j] * k[((ky * 3 + kx) * c + i) * o + j] }
            } }
            err = max(err, abs(dx[((b * h + iy) * w + ix) * c + i] - s))
        } } } }
        #expect(err < 1e-12)
    }

    @Test(arguments: [false, true])
    func kernelGradientMatchesTheSumWrittenOut(_ overwrite: Bool) {
        // dL/dw[ky, kx, i, o] = Σ over outputs of x[oy+ky−1, ox+kx−1, i] · dy[oy, ox, o]; odd
        // sides and 312 tiles (two blocks) included. Without `overwrite` it adds.
        let (n, h, w, c, o) = (2, 25, 23, 40, 6)
        let x = GradientCheck.random([n, h, w, c], seed: 71)
        let dy = GradientCheck.random([n, h, w, o], seed: 72)
        let start = GradientCheck.random([3, 3, c, o], seed: 73)
        let dw = start.copy()
        #expect(Winograd3x3.tiles(x) > max(Winograd3x3.minimumBlock, Winograd3x3.blockBytes / (16 * (c + o) * 8)))
        Winograd3x3.kernelGradient(dy, input: x, kernelGradient: dw, overwrite: overwrite)
        var err = 0.0
        for ky in 0..<3 { for kx in 0..<3 { for i in 0..<c { for j in 0..<o {
            var s = overwrite ? 0 : start[((ky * 3 + kx) * c + i) * o + j]
            for b in 0..<n { for oy in 0..<h { for ox in 0..<w {
                let iy = oy - 1 + ky, ix = ox - 1 + kx
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                s += x[((b * h + iy) * w + ix) * c + i] * dy[((b * h + oy) * w + ox) * o + j]
            } } }
            err = max(err, abs(dw[((ky * 3 + kx) * c + i) * o + j] - s))
        } } } }
        #expect(err < 1e-10)
    }

    @Test func spansSeveralBlocksOfTiles() {
        // 288 tiles are three blocks (the last one short), so the GEMMs run in pieces.
        let (c, o) = (64, 5)
        let block = max(Winograd3x3.minimumBlock, Winograd3x3.blockBytes / (16 * (c + o) * MemoryLayout<Double>.stride))
        #expect(block < 288 && 288 % block != 0)
        let x = GradientCheck.random([2, 24, 23, c], seed: 67)
        let k = GradientCheck.random([3, 3, c, o], seed: 68)
        #expect(Winograd3x3.tiles(x) == 288)
        let y = Winograd3x3.forward(x, transformedKernel: Winograd3x3.transformKernel(k))
        #expect(zip(y.array, Self.directSum(x, k)).map { abs($0 - $1) }.max()! < 1e-12)
    }
}
