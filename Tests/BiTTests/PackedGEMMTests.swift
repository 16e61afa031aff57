import Testing
import PackedGEMM
@testable import BiT

/// The packed product and the convolutions on it against sums written out in Double.
@Suite(.enabled(if: PackedConv2D.isSupported, "the packed kernel is AVX-512 code"))
struct PackedGEMMTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(rng.nextNormal()) }
    }

    /// `x` to bfloat16's 8 significant bits, ties to even, by arithmetic on its value (not its
    /// bits, as the engine does): the reference for products on bfloat16-stored matrices.
    static func roundedToBFloat16(_ x: Float) -> Double {
        guard x != 0, x.isFinite else { return Double(x) }
        let ulp = Double.pow(2, (Double(abs(x))).exponent - 7)
        return (Double(x) / ulp).rounded(.toNearestOrEven) * ulp
    }

    @Test func bfloat16RoundsToNearestEven() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3F80), (-2.5, 0xC020), (1 + 0x1p-8, 0x3F80), (1 + 3 * 0x1p-8, 0x3F82), (1 + 0x1p-8 + 0x1p-20, 0x3F81),
            (.greatestFiniteMagnitude, 0x7F80), (.infinity, 0x7F80), (-0.0, 0x8000), (0x1p-130, 0x0008),
        ]
        for (x, bits) in cases { #expect(PackedMatrix.bfloat16(x) == bits, "\(x)") }
        #expect(Float(bitPattern: UInt32(PackedMatrix.bfloat16(.nan)) << 16).isNaN)
        for x in Self.values(1000, seed: 20) {
            #expect(Double(Float(bitPattern: UInt32(PackedMatrix.bfloat16(x)) << 16)) == Self.roundedToBFloat16(x), "\(x)")
        }
    }

    @Test(arguments: [(1, 1, 32), (5, 7, 64), (8, 64, 32), (13, 33, 96), (64, 300, 128)], PackedMatrix.Precision.allCases)
    func productMatchesTheSum(_ dims: (Int, Int, Int), _ precision: PackedMatrix.Precision) {
        // Rows off the 8-row block, depths of one and odd ones, several panels; leading
        // dimensions wider than the matrices. bfloat16 against the sum of its rounded values.
        let (m, k, n) = dims
        let (lda, ldc) = (k + 3, n + 5)
        let a = Self.values(m * lda, seed: 1), b = Self.values(k * n, seed: 2)
        let packed = PackedMatrix(rowMajor: b, rows: k, columns: n, precision: precision)!
        let weight = { (i: Int) in precision == .float32 ? Double(b[i]) : Self.roundedToBFloat16(b[i]) }
        #expect(packed.panels == n / 32)
        var c = [Float](repeating: .nan, count: m * ldc)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                PackedGEMM.multiply(a.baseAddress!, rows: m, lda: lda, by: packed, panels: 0..<packed.panels,
                                    into: c.baseAddress!, ldc: ldc, accumulate: false)
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    sum += Double(a[i * lda + p]) * weight(p * n + j)
                    magnitude += abs(Double(a[i * lda + p]) * weight(p * n + j))
                }
                // float32 rounding of the sum's terms; a weight off by bfloat16's rounding
                // (2⁻⁹ relative) would be ~30 times that.
                #expect(abs(Double(c[i * ldc + j]) - sum) <= 1e-6 * (1 + magnitude), "C[\(i), \(j)]")
            }
            // Past the product's columns, nothing is written.
            let beyond = c[(i * ldc + n)..<(i * ldc + ldc)]
            #expect(beyond.allSatisfy { $0.isNaN })
        }
    }

    @Test(arguments: PackedMatrix.Precision.allCases)
    func aPanelRangeWritesOnlyItsColumnsAndAccumulates(_ precision: PackedMatrix.Precision) {
        let (m, k, n) = (9, 20, 96)
        let a = Self.values(m * k, seed: 3), b = Self.values(k * n, seed: 4)
        let packed = PackedMatrix(rowMajor: b, rows: k, columns: n, precision: precision)!
        let weight = { (i: Int) in precision == .float32 ? Double(b[i]) : Self.roundedToBFloat16(b[i]) }
        var c = [Float](repeating: 2, count: m * n)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                PackedGEMM.multiply(a.baseAddress!, rows: m, lda: k, by: packed, panels: 1..<2, into: c.baseAddress!, ldc: n, accumulate: true)
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 2.0
                if (32..<64).contains(j) { for p in 0..<k { sum += Double(a[i * k + p]) * weight(p * n + j) } }
                #expect(abs(Double(c[i * n + j]) - sum) <= 1e-5 * (1 + abs(sum)), "C[\(i), \(j)]")
            }
        }
    }

    @Test func widthsOffThePanelAreRefused() {
        let b = Self.values(4 * 48, seed: 5)
        #expect(PackedMatrix(rowMajor: b, rows: 4, columns: 48) == nil)
        #expect(PackedConv2D.pack(Tensor<Float>(zeros: [3, 3, 4, 48])) == nil)
    }

    /// The small input's few rows are split by panels; the large one's (156 to 575 rows, not
    /// multiples of 8) by rows, each worker building its own patches a chunk at a time (two
    /// chunks for a 3x3 kernel on one worker).
    @Test(arguments: [ConvGeometry(kernel: 1), ConvGeometry(kernel: 1, stride: 2), ConvGeometry(kernel: 3, stride: 1, padding: 1),
                      ConvGeometry(kernel: 3, stride: 2, padding: 1)], [[1, 7, 9, 24], [1, 25, 23, 24]])
    func convolutionMatchesIm2colOnAnyThreads(_ g: ConvGeometry, _ shape: [Int]) {
        let x = GradientCheck.random(shape, seed: 6).converted(to: Float.self)
        let w = GradientCheck.random([g.kernelHeight, g.kernelWidth, 24, 64], seed: 7).converted(to: Float.self)
        #expect((PackedConv2D.rows(x, geometry: g) > PackedConv2D.panelSplitMaxRows) == (shape[1] > 7))
        let reference = Conv2D.forward(x.converted(to: Double.self), kernel: w.converted(to: Double.self), geometry: g).array
        let packed = PackedConv2D.pack(w)!
        for threads in [1, 2, 3] {
            let y = PackedConv2D.forward(x, kernel: packed, geometry: g, threads: threads)
            #expect(y.shape == [1, g.outputHeight(shape[1]), g.outputWidth(shape[2]), 64])
            #expect(zip(y.array, reference).map { abs(Double($0) - $1) }.max()! < 1e-4, "\(threads) threads")
            let base = GradientCheck.random(y.shape, seed: 8).converted(to: Float.self)
            let before = base.array
            let sum = PackedConv2D.forward(x, kernel: packed, geometry: g, threads: threads, accumulatingInto: base)
            #expect(sum === base)
            let got = sum.array
            let err = (0..<got.count).map { abs(Double(got[$0]) - Double(before[$0]) - reference[$0]) }.max()!
            #expect(err < 1e-4)
        }
    }

    @Test func stemConvolutionMatchesIm2colOnAnyThreads() {
        // The stem's shape: 3 input channels, 7x7 at stride 2 (depth 147, odd), 360 rows.
        let g = ConvGeometry(kernel: 7, stride: 2, padding: 3)
        let x = GradientCheck.random([1, 40, 36, 3], seed: 9).converted(to: Float.self)
        let w = GradientCheck.random([7, 7, 3, 64], seed: 10).converted(to: Float.self)
        let reference = Conv2D.forward(x.converted(to: Double.self), kernel: w.converted(to: Double.self), geometry: g).array
        let packed = PackedConv2D.pack(w)!
        #expect(PackedConv2D.applies(x, geometry: g, cout: 64))
        for threads in [1, 2, 3] {
            let y = PackedConv2D.forward(x, kernel: packed, geometry: g, threads: threads)
            #expect(y.shape == [1, 20, 18, 64])
            #expect(zip(y.array, reference).map { abs(Double($0) - $1) }.max()! < 1e-4, "\(threads) threads")
        }
    }

    @Test func packedPathTakesFewRowsOrKernelsThatStayInCache() {
        // R50x1's first stage at 128x128 and 224x224 (64 KB kernel), and its stem (37 KB).
        #expect(PackedConv2D.applies(Tensor<Float>(zeros: [1, 32, 32, 256]), geometry: ConvGeometry(kernel: 1), cout: 64))
        #expect(PackedConv2D.applies(Tensor<Float>(zeros: [1, 56, 56, 256]), geometry: ConvGeometry(kernel: 1), cout: 64))
        #expect(PackedConv2D.applies(Tensor<Float>(zeros: [1, 128, 128, 3]), geometry: ConvGeometry(kernel: 7, stride: 2, padding: 3), cout: 64))
        // Many rows against a kernel larger than L2 stay on OpenBLAS; few rows never do.
        #expect(!PackedConv2D.applies(Tensor<Float>(zeros: [1, 16, 16, 1024]), geometry: ConvGeometry(kernel: 1), cout: 2048))
        #expect(PackedConv2D.applies(Tensor<Float>(zeros: [1, 4, 4, 2048]), geometry: ConvGeometry(kernel: 3, stride: 1, padding: 1), cout: 512))
    }
}
