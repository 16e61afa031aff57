import Foundation
import Testing
@testable import PackedGEMM
@testable import BiT

/// A training step's packed gradients against sums written out in Double and against the
/// im2col convolutions on OpenBLAS in Double.
@Suite(.enabled(if: PackedConv2D.isSupported, "the packed kernels are AVX-512 code"))
struct PackedConv2DBackwardTests {
    @Test(arguments: [(1, 1, 32), (7, 13, 64), (300, 147, 32), (129, 40, 96), (256, 8, 32)], [false, true])
    func transposedProductMatchesTheSum(_ dims: (Int, Int, Int), _ accumulate: Bool) {
        // Depths across the 128-row chunks and off them, C's rows off the 8-row block (147: the
        // stem's depth), several column blocks; leading dimensions wider than the matrices.
        let (m, k, n) = dims
        let (lda, ldb, ldc) = (k + 3, n + 5, n + 7)
        let a = PackedGEMMTests.values(m * lda, seed: 30), b = PackedGEMMTests.values(m * ldb, seed: 31)
        let start = PackedGEMMTests.values(k * ldc, seed: 32)
        var c = start
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    TransposedProduct.multiply(a.baseAddress!, lda: lda, b.baseAddress!, ldb: ldb, rows: m, k: k, n: n,
                                               into: c.baseAddress!, ldc: ldc, accumulate: accumulate)
                }
            }
        }
        for i in 0..<k {
            for j in 0..<n {
                var sum = accumulate ? Double(start[i * ldc + j]) : 0, magnitude = abs(sum)
                for r in 0..<m {
                    sum += Double(a[r * lda + i]) * Double(b[r * ldb + j])
                    magnitude += abs(Double(a[r * lda + i]) * Double(b[r * ldb + j]))
                }
                #expect(abs(Double(c[i * ldc + j]) - sum) <= 1e-6 * (1 + magnitude), "C[\(i), \(j)]")
            }
            // Past the product's columns, nothing is written.
            #expect(c[(i * ldc + n)..<(i * ldc + ldc)] == start[(i * ldc + n)..<(i * ldc + ldc)])
        }
    }

    @Test func noRowsGiveZerosOrLeaveTheSum() {
        var c: [Float] = Array(repeating: 3, count: 2 * 32)
        let none: [Float] = [0]
        none.withUnsafeBufferPointer { p in
            c.withUnsafeMutableBufferPointer { c in
                TransposedProduct.multiply(p.baseAddress!, lda: 2, p.baseAddress!, ldb: 32, rows: 0, k: 2, n: 32,
                                           into: c.baseAddress!, ldc: 32, accumulate: true)
            }
        }
        #expect(c.allSatisfy { $0 == 3 })
        none.withUnsafeBufferPointer { p in
            c.withUnsafeMutableBufferPointer { c in
                TransposedProduct.multiply(p.baseAddress!, lda: 2, p.baseAddress!, ldb: 32, rows: 0, k: 2, n: 32,
                                           into: c.baseAddress!, ldc: 32, accumulate: false)
            }
        }
        #expect(c.allSatisfy { $0 == 0 })
    }

    /// Each geometry of a ResNet-v2 unit and its stem; 1,150 to 4,600 output rows, so several
    /// chunks of rows (and, at stride 2, patches that leave the input).
    @Test(arguments: [ConvGeometry(kernel: 1), ConvGeometry(kernel: 1, stride: 2), ConvGeometry(kernel: 3, stride: 1, padding: 1),
                      ConvGeometry(kernel: 3, stride: 2, padding: 1)])
    func gradientsMatchIm2colInDouble(_ g: ConvGeometry) {
        let x = GradientCheck.random([2, 25, 23, 32], seed: 33).converted(to: Float.self)
        let w = GradientCheck.random([g.kernelHeight, g.kernelWidth, 32, 64], seed: 34).converted(to: Float.self)
        let dy = GradientCheck.random([2, g.outputHeight(25), g.outputWidth(23), 64], seed: 35).converted(to: Float.self)
        let referenceDw = Tensor<Double>(zeros: w.shape)
        let referenceDx = Conv2D.backward(dy.converted(to: Double.self), input: x.converted(to: Double.self), kernel: w.converted(to: Double.self),
                                          geometry: g, kernelGradient: referenceDw, overwriteKernelGradient: true)!.array
        let transposed = PackedConv2D.packTransposed(w)!
        #expect(PackedConv2D.packsForTraining(w, rows: 1150))
        let dw = Tensor<Float>(shape: w.shape) { _ in .nan }
        let dx = PackedConv2D.backward(dy, input: x, geometry: g, kernelGradient: dw, transposedKernel: transposed)!
        #expect(dx.shape == x.shape)
        let dwScale = referenceDw.array.map(abs).max()!, dxScale = referenceDx.map(abs).max()!
        #expect(zip(dw.array, referenceDw.array).map { abs(Double($0) - $1) }.max()! <= 1e-5 * dwScale)
        #expect(zip(dx.array, referenceDx).map { abs(Double($0) - $1) }.max()! <= 1e-5 * dxScale)

        // Adding onto a given tensor (a residual's gradient), and without an input gradient.
        let base = GradientCheck.random(x.shape, seed: 36).converted(to: Float.self)
        let before = base.array
        let sum = PackedConv2D.backward(dy, input: x, geometry: g, kernelGradient: dw, transposedKernel: transposed, adding: base)!
        #expect(sum === base)
        let added = sum.array
        #expect((0..<added.count).map { abs(Double(added[$0]) - Double(before[$0]) - referenceDx[$0]) }.max()! <= 1e-5 * dxScale)
        #expect(PackedConv2D.backward(dy, input: x, geometry: g, kernelGradient: dw, transposedKernel: nil) == nil)
        #expect(zip(dw.array, referenceDw.array).map { abs(Double($0) - $1) }.max()! <= 1e-5 * dwScale)
    }

    @Test func stemKernelGradientMatchesIm2colInDouble() {
        // 3 input channels, 7x7 at stride 2: depth 147, which no packed transpose takes.
        let g = ConvGeometry(kernel: 7, stride: 2, padding: 3)
        let x = GradientCheck.random([2, 40, 36, 3], seed: 37).converted(to: Float.self)
        let w = GradientCheck.random([7, 7, 3, 32], seed: 38).converted(to: Float.self)
        let dy = GradientCheck.random([2, 20, 18, 32], seed: 39).converted(to: Float.self)
        #expect(PackedConv2D.packTransposed(w) == nil && PackedConv2D.packsForTraining(w, rows: 720))
        let referenceDw = Tensor<Double>(zeros: w.shape)
        _ = Conv2D.backward(dy.converted(to: Double.self), input: x.converted(to: Double.self), kernel: w.converted(to: Double.self),
                            geometry: g, kernelGradient: referenceDw, overwriteKernelGradient: true, wantInputGradient: false)
        let dw = Tensor<Float>(shape: w.shape) { _ in .nan }
        #expect(PackedConv2D.backward(dy, input: x, geometry: g, kernelGradient: dw, transposedKernel: nil) == nil)
        let scale = referenceDw.array.map(abs).max()!
        #expect(zip(dw.array, referenceDw.array).map { abs(Double($0) - $1) }.max()! <= 1e-5 * scale)
    }

    @Test func trainingPacksWholePanelsThatStayInCacheOrMeetFewRows() {
        #expect(PackedConv2D.packsForTraining(Tensor<Float>(zeros: [3, 3, 64, 64]), rows: 4096))
        #expect(!PackedConv2D.packsForTraining(Tensor<Float>(zeros: [1, 1, 64, 16]), rows: 64), "16 output channels: half a panel")
        // R50x1's deepest 3x3 kernel (9.4 MB) and 1x1 kernels above 1 MiB stay on OpenBLAS
        // against many rows (16 images at 4x4), not against few (16 images at 2x2).
        #expect(!PackedConv2D.packsForTraining(Tensor<Float>(zeros: [3, 3, 512, 512]), rows: 256))
        #expect(!PackedConv2D.packsForTraining(Tensor<Float>(zeros: [1, 1, 1024, 512]), rows: 256))
        #expect(PackedConv2D.packsForTraining(Tensor<Float>(zeros: [3, 3, 512, 512]), rows: 64))
    }

    @Test func transposedPackingMatchesPackingTheTranspose() {
        let (rows, columns) = (40, 96)
        let source = PackedGEMMTests.values(columns * rows, seed: 42)
        var transposed = [Float](repeating: 0, count: rows * columns)
        for c in 0..<columns { for r in 0..<rows { transposed[r * columns + c] = source[c * rows + r] } }
        let direct = PackedMatrix(transposing: source, rows: rows, columns: columns)!
        let reference = PackedMatrix(rowMajor: transposed, rows: rows, columns: columns)!
        let bytes = rows * columns * MemoryLayout<Float>.stride
        #expect(memcmp(direct.storage, reference.storage, bytes) == 0)
        #expect(PackedMatrix(transposing: source, rows: columns, columns: rows) == nil, "40 columns: not whole panels")
    }

    @Test func aTrainingStepOnPackedKernelsMatchesDouble() throws {
        // R26x0.25: its 16-channel convolutions stay on OpenBLAS, its wider ones take the packed
        // path (forward, weight and input gradients): the whole step against Double on im2col.
        let double = try ResNetV2Tests.tinyModel("R26x0.25", seed: 40)
        let float = try ResNetV2Tests.floatCopy(double)
        let images = GradientCheck.random([2, 32, 32, 3], seed: 41)
        let kernels = float.standardizedKernels(trainingOn: [2, 32, 32, 3])
        #expect(!kernels.trainedPacked.isEmpty && !kernels.packedTransposed.isEmpty)
        #expect(kernels.trainedPacked.count < float.parameters.names.filter { $0.hasSuffix("standardized_conv2d/kernel") }.count)
        let doubleKernels = double.standardizedKernels()
        let reference = double.lossAndStandardizedGradients(images, targets: .labels([0, 2]),
                                                             kernels: .init(byName: doubleKernels.byName, winograd: [:]))
        let got = float.lossAndStandardizedGradients(images.converted(), targets: .labels([0, 2]), kernels: kernels)
        #expect(abs(Double(got.loss) - reference.loss) <= 1e-5 * abs(reference.loss))
        for name in double.parameters.names {
            let want = reference.gradients.tensor(name).array, have = got.gradients.tensor(name).array
            let scale = want.map(abs).max()!
            #expect(zip(have, want).map { abs(Double($0) - $1) }.max()! <= 1e-3 * scale, "\(name)")
        }
    }
}
