import Testing
@testable import BiT

@Suite struct ResNetV2Tests {
    /// R26 at width 1/8: every kind of layer and both kinds of shortcut, in a few thousand weights.
    static func tinyModel(_ name: String = "R26x0.125", classes: Int = 3, seed: UInt64 = 1) throws -> ResNetV2<Double> {
        let model = ResNetV2<Double>(architecture: try ResNetV2Architecture(named: name), classes: classes, seed: seed)
        // Perturb γ, β and the head away from their initial values so no gradient is trivially zero.
        var rng = SeededRandom(seed: seed + 100)
        for name in model.parameters.names where !name.hasSuffix("standardized_conv2d/kernel") {
            let t = model.parameters.tensor(name)
            for i in 0..<t.count { t[i] += rng.nextNormal() * 0.3 }
        }
        return model
    }

    /// The same weights in float32.
    static func floatCopy(_ double: ResNetV2<Double>) throws -> ResNetV2<Float> {
        var params = ParameterSet<Float>()
        for name in double.parameters.names { params.set(double.parameters.tensor(name).converted(), for: name) }
        return try ResNetV2<Float>(architecture: double.architecture, classes: double.classes, parameters: params)
    }

    @Test func wholeModelGradientsMatchFiniteDifferences() throws {
        let model = try Self.tinyModel()
        let images = GradientCheck.random([2, 13, 13, 3], seed: 5)
        let labels = [2, 0]
        let (loss, grads) = model.lossAndGradients(images, targets: .labels(labels))
        #expect(loss.isFinite)
        // Every parameter of the stem, block1 (a projection unit and an identity unit), block4,
        // the tail and the head: each layer kind and both shortcut kinds.
        let names = model.parameters.names.filter { !$0.contains("block2") && !$0.contains("block3") }
        for name in names {
            let p = model.parameters.tensor(name)
            let picks = [p.count / 3, p.count - 1]
            let numeric = GradientCheck.numeric(p, indices: picks, h: 1e-5) {
                model.lossAndGradients(images, targets: .labels(labels)).loss
            }
            let analytic = picks.map { grads.tensor(name)[$0] }
            #expect(GradientCheck.maxError(analytic, numeric) < 1e-6, "\(name): analytic \(analytic) numeric \(numeric)")
        }
    }

    @Test func theFirstNonFiniteValueIsNamedWhereItArises() throws {
        let model = try Self.tinyModel()
        let images = GradientCheck.random([1, 13, 13, 3], seed: 7)
        #expect(model.firstNonFinite(images) == nil)
        // Finite weights whose product overflows: block2's first GroupNorm scales and shifts past
        // the largest double, so that layer's output is the first to hold an infinity.
        let overflowing = try Self.tinyModel()
        for key in ["resnet/block2/unit01/a/group_norm/gamma", "resnet/block2/unit01/a/group_norm/beta"] {
            let t = overflowing.parameters.tensor(key)
            for i in 0..<t.count { t[i] = .greatestFiniteMagnitude }
        }
        let overflow = try #require(overflowing.firstNonFinite(images))
        #expect(overflow.hasPrefix("output of resnet/block2/unit01/a/group_norm (with ReLU)"), "\(overflow)")
        // A NaN weight is named as the parameter, before the layers it spoils.
        let damaged = try Self.tinyModel()
        damaged.parameters.tensor("resnet/block3/unit02/b/standardized_conv2d/kernel")[5] = .nan
        #expect(damaged.firstNonFinite(images) == "parameter resnet/block3/unit02/b/standardized_conv2d/kernel (1 of 9216 values)")
    }

    /// The memory estimate training is refused by counts what a real forward pass records.
    @Test func tapeSizeEstimateCountsTheRecordedTensors() throws {
        for (name, side) in [("R26x0.125", 13), ("R14x0.5", 64), ("R26x0.125", 31)] {
            let model = try Self.tinyModel(name)
            let images = GradientCheck.random([2, side, side, 3], seed: 8)
            let tape = ResNetV2<Double>.Tape()
            _ = model.forward(images, kernels: model.standardizedKernels(), tape: tape)
            var recorded = [tape.stemInput, tape.stemOutput, tape.tailInput, tape.tailOutput, tape.features].map { $0?.count ?? 0 }
            for u in tape.units { recorded += [u.x, u.p, u.h1, u.p2, u.h2, u.p3].map(\.count) }
            #expect(recorded.reduce(0, +) == 2 * model.architecture.tapeFloatsPerImage(input: side), "\(name) at \(side)")
        }
    }

    @Test func splittingTheBatchAcrossThreadsIsExactUpToSummationOrder() throws {
        let model = try Self.tinyModel()
        let images = GradientCheck.random([4, 19, 19, 3], seed: 6)
        let one = model.lossAndGradients(images, targets: .labels([0, 1, 2, 0]), threads: 1)
        let two = model.lossAndGradients(images, targets: .labels([0, 1, 2, 0]), threads: 2)
        #expect(abs(one.loss - two.loss) < 1e-12)
        for name in model.parameters.names {
            #expect(GradientCheck.maxError(one.gradients.tensor(name).array, two.gradients.tensor(name).array) < 1e-10)
        }
        #expect(GradientCheck.maxError(model.logits(images, threads: 1).array, model.logits(images, threads: 2).array) < 1e-12)
    }

    @Test func winogradAndIm2colConvolutionsGiveTheSameModel() throws {
        // 64x64 images give the first stage's 3x3 convolutions 2 × 8 × 8 output tiles: enough
        // for Winograd, forward and backward; the same kernels without transforms use im2col.
        let model = try Self.tinyModel()
        let images = GradientCheck.random([2, 64, 64, 3], seed: 8)
        let winograd = model.standardizedKernels()
        #expect(!winograd.winograd.isEmpty && 2 * 8 * 8 >= ResNetV2<Double>.winogradMinTiles)
        let im2col = ResNetV2<Double>.StandardizedKernels(byName: winograd.byName, winograd: [:])
        #expect(GradientCheck.maxError(model.logits(images, kernels: winograd).array, model.logits(images, kernels: im2col).array) < 1e-12)
        let a = model.lossAndStandardizedGradients(images, targets: .labels([1, 2]), kernels: winograd)
        let b = model.lossAndStandardizedGradients(images, targets: .labels([1, 2]), kernels: im2col)
        #expect(abs(a.loss - b.loss) < 1e-12)
        for name in model.parameters.names {
            #expect(GradientCheck.maxError(a.gradients.tensor(name).array, b.gradients.tensor(name).array) < 1e-10, "\(name)")
        }
    }

    @Test func winogradInFloatStaysWithin1e4OfDouble() throws {
        // The float32 engine, 3x3 convolutions by Winograd, against the same weights in
        // float64 through im2col: the accuracy bar the NumPy fixture sets (1e-4 relative).
        let double = try Self.tinyModel("R26x0.25", seed: 9)
        let float = try Self.floatCopy(double)
        let images = GradientCheck.random([2, 64, 64, 3], seed: 10)
        let kernels = double.standardizedKernels()
        let reference = double.logits(images, kernels: .init(byName: kernels.byName, winograd: [:])).array
        let got = float.logits(images.converted()).array
        let scale = reference.map(abs).max()!
        #expect(zip(got, reference).map { abs(Double($0) - $1) }.max()! <= 1e-4 * scale)
    }

    @Test func oneImageSharedByTheWorkersGivesTheSameLogits() throws {
        // A single image with packed kernels: packed products, Winograd, im2col, GroupNorm
        // and the stem each split across workers; against the batch path of the same weights.
        let double = try Self.tinyModel("R26x0.25", seed: 11)
        let model = try Self.floatCopy(double)
        let image = GradientCheck.random([1, 64, 64, 3], seed: 12).converted(to: Float.self)
        let packed = model.standardizedKernels(packedForSingleImages: .float32)
        #expect(packed.packed.isEmpty != PackedConv2D.isSupported)
        let reference = model.logits(image, threads: 1).array
        let scale = reference.map(abs).max()!
        for threads in [1, 2, 3] {
            let got = model.logits(image, threads: threads, kernels: packed).array
            #expect(zip(got, reference).map { abs($0 - $1) }.max()! <= 1e-5 * scale, "\(threads) threads")
            #expect(got == model.logits(image, threads: threads, kernels: packed).array, "same threads, same bits")
        }
        // bfloat16-stored kernels: close to float32 (8 significant bits per weight), not equal.
        let lower = model.standardizedKernels(packedForSingleImages: .bfloat16)
        #expect(lower.packed.count == packed.packed.count)
        if PackedConv2D.isSupported {
            for threads in [1, 2] {
                let got = model.logits(image, threads: threads, kernels: lower).array
                let error = zip(got, reference).map { abs($0 - $1) }.max()!
                #expect(error <= 2e-2 * scale && error > 1e-5 * scale, "\(threads) threads: \(error / scale)")
            }
        }
        // The shared ops on their own, in Double: the same sums whatever the split.
        let x = GradientCheck.random([1, 9, 11, 16], seed: 13)
        let w = GradientCheck.random([3, 3, 16, 8], seed: 14)
        let gamma = GradientCheck.random([16], seed: 15), beta = GradientCheck.random([16], seed: 16)
        for threads in [2, 3] {
            for g in [ConvGeometry(kernel: 1, stride: 2), ConvGeometry(kernel: 3, stride: 1, padding: 1)] {
                let k = g.kernelHeight == 1 ? GradientCheck.random([1, 1, 16, 8], seed: 17) : w
                #expect(GradientCheck.maxError(Conv2D.forward(x, kernel: k, geometry: g, threads: threads).array,
                                               Conv2D.forward(x, kernel: k, geometry: g).array) < 1e-12)
            }
            let u = Winograd3x3.transformKernel(w)
            #expect(GradientCheck.maxError(Winograd3x3.forward(x, transformedKernel: u, threads: threads).array,
                                           Winograd3x3.forward(x, transformedKernel: u).array) < 1e-12)
            let one = GroupNorm.forward(x, gamma: gamma, beta: beta, groups: 4, relu: true)
            let split = GroupNorm.forward(x, gamma: gamma, beta: beta, groups: 4, relu: true, threads: threads)
            #expect(GradientCheck.maxError(one.output.array, split.output.array) < 1e-12)
            #expect(one.statistics.mean == split.statistics.mean && one.statistics.inverseStd == split.statistics.inverseStd)
            // Past groupSplitMaxPositions the workers split positions and add their sums.
            let wide = GradientCheck.random([1, 12, 13, 16], seed: 18)
            #expect(12 * 13 > GroupNorm.groupSplitMaxPositions)
            let whole = GroupNorm.forward(wide, gamma: gamma, beta: beta, groups: 4, relu: true)
            let parts = GroupNorm.forward(wide, gamma: gamma, beta: beta, groups: 4, relu: true, threads: threads)
            #expect(GradientCheck.maxError(whole.output.array, parts.output.array) < 1e-12)
            #expect(GradientCheck.maxError(whole.statistics.mean, parts.statistics.mean) < 1e-12)
            #expect(GradientCheck.maxError(whole.statistics.inverseStd, parts.statistics.inverseStd) < 1e-12)
        }
    }

    @Test func sameInputSameThreadsGiveIdenticalBits() throws {
        let model = ResNetV2<Float>(architecture: try ResNetV2Architecture(named: "R14x0.25"), classes: 2, seed: 3)
        let images = Tensor<Float>(shape: [3, 24, 24, 3]) { Float($0 % 17) / 8 - 1 }
        let a = model.lossAndGradients(images, targets: .labels([0, 1, 1]), threads: 2)
        let b = model.lossAndGradients(images, targets: .labels([0, 1, 1]), threads: 2)
        #expect(a.loss.bitPattern == b.loss.bitPattern)
        for name in model.parameters.names {
            #expect(a.gradients.tensor(name).array.map(\.bitPattern) == b.gradients.tensor(name).array.map(\.bitPattern))
        }
    }

    /// Stages released during the backward pass hand on exactly the gradients the whole pass
    /// returns, in order, each parameter once, on any thread count.
    @Test(arguments: [1, 2, 3])
    func backwardStagesHandOnTheFinalGradientsInOrder(threads: Int) throws {
        let arch = try ResNetV2Architecture(named: "R14x0.25")
        let model = ResNetV2<Float>(architecture: arch, classes: 2, seed: 3)
        let stages = ResNetV2<Float>.backwardStages(arch)
        #expect(stages.flatMap { $0 }.sorted() == model.parameters.names.sorted())
        let images = Tensor<Float>(shape: [5, 24, 24, 3]) { Float($0 % 19) / 9 - 1 }
        let kernels = model.standardizedKernels(threads: threads)
        let whole = model.lossAndStandardizedGradients(images, targets: .labels([0, 1, 1, 0, 1]), threads: threads, kernels: kernels)
        final class Seen: @unchecked Sendable { var stages: [Int] = []; var bits: [String: [UInt32]] = [:] }
        let seen = Seen()
        let staged = model.lossAndStandardizedGradients(images, targets: .labels([0, 1, 1, 0, 1]), threads: threads, kernels: kernels) { s, g in
            seen.stages.append(s)
            // Copied when released: later stages must not change what was handed on.
            for name in stages[s] { seen.bits[name] = g.tensor(name).array.map(\.bitPattern) }
        }
        #expect(seen.stages == Array(stages.indices))
        #expect(staged.loss.bitPattern == whole.loss.bitPattern)
        for name in model.parameters.names {
            #expect(seen.bits[name] == whole.gradients.tensor(name).array.map(\.bitPattern), "\(name)")
            #expect(staged.gradients.tensor(name).array.map(\.bitPattern) == whole.gradients.tensor(name).array.map(\.bitPattern))
        }
    }

    @Test func zeroHeadGivesUniformOutputsAndLossLnClasses() throws {
        for classes in [2, 5] {
            let model = ResNetV2<Double>(architecture: try ResNetV2Architecture(named: "R14x0.125"), classes: classes, seed: 4)
            let images = GradientCheck.random([2, 17, 17, 3], seed: 7)
            let p = SoftmaxCrossEntropy.softmax(model.logits(images))
            #expect(p.array.allSatisfy { abs($0 - 1 / Double(classes)) < 1e-12 })
            let (loss, grads) = model.lossAndGradients(images, targets: .labels([0, 1]))
            #expect(abs(loss - Double.log(Double(classes))) < 1e-12)
            // Zero head: no gradient reaches the backbone, but the head itself learns.
            #expect(grads.tensor("resnet/block1/unit01/a/standardized_conv2d/kernel").array.allSatisfy { $0 == 0 })
            #expect(grads.tensor("resnet/head/conv2d/kernel").array.contains { $0 != 0 })
        }
    }

    @Test func r50x1MatchesTheReferenceCounts() throws {
        // Numbers from docs/bit-reference.md §2.3 and §5, computed there independently of this engine.
        let arch = try ResNetV2Architecture(named: "BiT-M-R50x1")
        let shapes = ResNetV2<Float>.parameterShapes(arch, classes: 21843)
        #expect(shapes.count == 153)
        let backbone = shapes.filter { !$0.name.hasPrefix("resnet/head") }.map { $0.shape.reduce(1, *) }.reduce(0, +)
        #expect(backbone == 23_500_352)
        #expect(shapes.map { $0.shape.reduce(1, *) }.reduce(0, +) == 68_256_659)
        #expect(shapes.first { $0.name == "resnet/block2/unit01/a/group_norm/gamma" }?.shape == [256])
        #expect(shapes.first { $0.name == "resnet/block2/unit02/a/group_norm/gamma" }?.shape == [512])
        #expect(shapes.first { $0.name == "resnet/block4/unit01/a/proj/standardized_conv2d/kernel" }?.shape == [1, 1, 1024, 2048])
        #expect(abs(Double(arch.forwardMACs(input: 128, classes: 0)) / 1e9 - 1.3346) < 5e-4)
        #expect(abs(Double(arch.forwardMACs(input: 224, classes: 1000)) / 1e9 - 4.0892) < 5e-4)
        #expect(arch.finalMapSize(input: 128) == 4 && arch.finalMapSize(input: 480) == 15)
        let r101 = try ResNetV2Architecture(named: "R101x1"), r152 = try ResNetV2Architecture(named: "R152x4")
        #expect(ResNetV2<Float>.parameterShapes(r101, classes: 1).count == 306)
        #expect(ResNetV2<Float>.parameterShapes(r152, classes: 1).count == 459)
        #expect(abs(Double(try ResNetV2Architecture(named: "R50x3").forwardMACs(input: 224, classes: 0)) / 1e9 - 36.076) < 5e-3)
    }

    @Test func architectureNames() throws {
        #expect(try ResNetV2Architecture(named: "R26x0.5").description == "R26x0.5")
        #expect(try ResNetV2Architecture(named: "R14x1/8").groups == 4)
        #expect(try ResNetV2Architecture(named: "R152x2").groups == 32)
        #expect(throws: ArchitectureError.self) { try ResNetV2Architecture(named: "R51x1") }
        #expect(throws: ArchitectureError.self) { try ResNetV2Architecture(named: "R50x0.3") }
        #expect(throws: ArchitectureError.self) { try ResNetV2Architecture(named: "resnet") }
    }
}
