import Foundation
import PackedGEMM

/// The BiT ResNet-v2: pre-activation bottlenecks with GroupNorm and weight-standardised
/// convolutions, a zero-padded max-pool stem and a linear head (docs/bit-reference.md §1).
///
/// The whole network lives in this file: the forward pass, the tape it records when training,
/// and the backward pass that walks the tape in reverse. Parameters carry the official
/// checkpoint names, so a released `.npz` maps onto it key for key.
///
/// The entry points other modules call (the trainer, the checks, the benchmarks) carry
/// `@_specialize(where T == Float)`: cross-module optimisation does not make them specialisable
/// in the caller, and their generic code ran 4x slower there (bench, R26x0.5 at 64x64, batch 16).
public struct ResNetV2<T: TensorScalar>: Sendable {
    /// Units and width.
    public let architecture: ResNetV2Architecture
    /// Number of output classes (the head's width).
    public let classes: Int
    /// Weights under their checkpoint names.
    public var parameters: ParameterSet<T>
    /// Test-time augmentation: `logits` and `embeddings` are the mean over the 8 symmetries of the
    /// square (8 passes), so the outputs cannot depend on the image's orientation. Training is unchanged.
    public var averagesSymmetries = false

    static var stemKernel: String { "resnet/root_block/standardized_conv2d/kernel" }
    /// Checkpoint name of the classifier head's kernel.
    public static var headKernel: String { "resnet/head/conv2d/kernel" }
    static var headBias: String { "resnet/head/conv2d/bias" }
    static var tailNorm: ResNetV2Architecture.NormKeys { .init("resnet/group_norm") }

    /// The parameters whose gradients the backward pass completes together, in the order it
    /// completes them: the head and the final GroupNorm, each unit from the last to the first,
    /// the stem. A data-parallel trainer starts summing a stage's gradients over the ranks while
    /// the backward pass goes on with the stages before it.
    public static func backwardStages(_ arch: ResNetV2Architecture) -> [[String]] {
        let units = arch.units.map { unit -> [String] in
            let k = unit.keys
            return [k.normA.gamma, k.normA.beta, k.convA] + (unit.hasProjection ? [k.projection] : [])
                + [k.normB.gamma, k.normB.beta, k.convB, k.normC.gamma, k.normC.beta, k.convC]
        }
        return [[tailNorm.gamma, tailNorm.beta, headKernel, headBias]] + units.reversed() + [[stemKernel]]
    }

    /// Every parameter name with its shape, in checkpoint order.
    public static func parameterShapes(_ arch: ResNetV2Architecture, classes: Int) -> [(name: String, shape: [Int])] {
        var shapes: [(String, [Int])] = [(stemKernel, [7, 7, 3, arch.stemChannels])]
        for unit in arch.units {
            let k = unit.keys
            shapes += [
                (k.normA.gamma, [unit.inChannels]), (k.normA.beta, [unit.inChannels]),
                (k.convA, [1, 1, unit.inChannels, unit.midChannels]),
            ]
            if unit.hasProjection {
                shapes.append((k.projection, [1, 1, unit.inChannels, unit.outChannels]))
            }
            shapes += [
                (k.normB.gamma, [unit.midChannels]), (k.normB.beta, [unit.midChannels]),
                (k.convB, [3, 3, unit.midChannels, unit.midChannels]),
                (k.normC.gamma, [unit.midChannels]), (k.normC.beta, [unit.midChannels]),
                (k.convC, [1, 1, unit.midChannels, unit.outChannels]),
            ]
        }
        shapes += [
            (tailNorm.gamma, [arch.featureDimension]), (tailNorm.beta, [arch.featureDimension]),
            (headKernel, [1, 1, arch.featureDimension, classes]), (headBias, [classes]),
        ]
        return shapes
    }

    /// A freshly initialised network: He-normal kernels, GroupNorm γ = 1 and β = 0, and a
    /// zero head (BiT's fine-tuning start: uniform outputs, loss ln(classes)).
    @_specialize(where T == Float)
    public init(architecture: ResNetV2Architecture, classes: Int, seed: UInt64) {
        precondition(classes >= 1)
        var rng = SeededRandom(seed: seed)
        var params = ParameterSet<T>()
        for (name, shape) in Self.parameterShapes(architecture, classes: classes) {
            if name.hasSuffix("/gamma") {
                params.set(Tensor(shape: shape, generator: { _ in 1 }), for: name)
            } else if name.hasSuffix("standardized_conv2d/kernel") {
                let std = (2 / Double(shape.dropLast().reduce(1, *))).squareRoot()
                params.set(Tensor(shape: shape, generator: { _ in T(rng.nextNormal() * std) }), for: name)
            } else {
                params.set(Tensor(zeros: shape), for: name)
            }
        }
        self.architecture = architecture
        self.classes = classes
        self.parameters = params
    }

    /// A network over given weights; the names and shapes must be exactly the architecture's.
    public init(architecture: ResNetV2Architecture, classes: Int, parameters: ParameterSet<T>) throws {
        let expected = Self.parameterShapes(architecture, classes: classes)
        for (name, shape) in expected {
            guard let t = parameters[name] else { throw ArchitectureError("missing parameter \(name)") }
            guard t.shape == shape else { throw ArchitectureError("parameter \(name) has shape \(t.shape), expected \(shape)") }
        }
        if parameters.names.count != expected.count {
            let known = Set(expected.map(\.name))
            let extra = parameters.names.filter { !known.contains($0) }
            throw ArchitectureError("unexpected parameters: \(extra.prefix(5).joined(separator: ", "))")
        }
        self.architecture = architecture
        self.classes = classes
        self.parameters = parameters
    }

    /// The same network (test-time augmentation included) over other weights, whose names and shapes must be exactly the architecture's.
    public func replacingParameters(_ parameters: ParameterSet<T>) throws -> ResNetV2 {
        var model = try ResNetV2(architecture: architecture, classes: classes, parameters: parameters)
        model.averagesSymmetries = averagesSymmetries
        return model
    }

    /// The same backbone with a zero-initialised head for `classes` outputs.
    public func replacingHead(classes newClasses: Int) -> ResNetV2 {
        var params = parameters
        params.set(Tensor(zeros: [1, 1, architecture.featureDimension, newClasses]), for: Self.headKernel)
        params.set(Tensor(zeros: [newClasses]), for: Self.headBias)
        // Safe: same backbone names and shapes, head made to measure.
        return try! ResNetV2(architecture: architecture, classes: newClasses, parameters: params)
    }

    // MARK: Weight standardisation

    /// The convolution kernels after weight standardisation: computed once per set of weights
    /// and shared by every batch, micro-batch and worker until the weights change.
    public struct StandardizedKernels: Sendable {
        let byName: [String: (standardized: Tensor<T>, inverseStd: [T])]
        /// Winograd transforms of the standardised 3x3 stride-1 kernels, by parameter name.
        let winograd: [String: Tensor<T>]
        /// The standardised kernels packed for `PackedConv2D`, when asked for.
        let packed: [String: PackedMatrix]
        /// The kernels whose training gradients `PackedConv2D.backward` computes.
        let trainedPacked: Set<String>
        /// Those of them transposed and packed for their input gradient (the others' inputs need none or take OpenBLAS).
        let packedTransposed: [String: PackedMatrix]

        init(byName: [String: (standardized: Tensor<T>, inverseStd: [T])], winograd: [String: Tensor<T>],
             packed: [String: PackedMatrix] = [:], trainedPacked: Set<String> = [], packedTransposed: [String: PackedMatrix] = [:]) {
            (self.byName, self.winograd, self.packed) = (byName, winograd, packed)
            (self.trainedPacked, self.packedTransposed) = (trainedPacked, packedTransposed)
        }

        /// The standardised kernel of the parameter `name`.
        public subscript(name: String) -> Tensor<T> { byName[name]!.standardized }

        /// Maps gradients with respect to the standardised kernels (as `lossAndStandardizedGradients`
        /// returns them, summed over any number of micro-batches) to the raw kernels, in place.
        /// The map is linear, so applying it once to a sum equals applying it to each part.
        @_specialize(where T == Float)
        public func rawGradients(_ gradients: inout ParameterSet<T>, threads: Int = 1) {
            let names = byName.keys.sorted()
            let slots = Slots<Tensor<T>>(names.count)
            let g = gradients
            Parallel.forEach(names.count, workers: threads) { i in
                let k = byName[names[i]]!
                slots[i] = WeightStandardization.backward(g.tensor(names[i]), standardized: k.standardized, inverseStd: k.inverseStd)
            }
            for (name, t) in zip(names, slots.values) { gradients.set(t, for: name) }
        }
    }

    /// Standardises every convolution kernel, the kernels spread over `threads` workers, with
    /// the Winograd transforms of the 3x3 stride-1 ones.
    ///
    /// `packedForSingleImages` also lays the kernels out for `PackedConv2D` at that precision
    /// (float32 models on AVX-512 CPUs; another copy of the weights, half as large in
    /// bfloat16), which `logits` then uses for one image at a time. `trainingOn`, the shape of a
    /// training step's (micro-)batch of images, packs at float32, as they are and transposed, the
    /// kernels whose convolutions `PackedConv2D` runs faster for each of `threads` workers'
    /// share of it (`PackedConv2D.packsForTraining`).
    @_specialize(where T == Float)
    public func standardizedKernels(threads: Int = 1, packedForSingleImages: PackedMatrix.Precision? = nil,
                                    trainingOn batch: [Int]? = nil) -> StandardizedKernels {
        let names = parameters.names.filter { $0.hasSuffix("standardized_conv2d/kernel") }
        let slots = Slots<(standardized: Tensor<T>, inverseStd: [T])>(names.count)
        let params = parameters
        Parallel.forEach(names.count, workers: threads) { i in slots[i] = WeightStandardization.forward(params.tensor(names[i])) }
        let byName = Dictionary(uniqueKeysWithValues: zip(names, slots.values))
        let winogradNames = architecture.units.filter { Winograd3x3.applies(to: Self.middleGeometry($0)) }
            .map(\.keys.convB)
        let transforms = Slots<Tensor<T>>(winogradNames.count)
        Parallel.forEach(winogradNames.count, workers: threads) { i in
            transforms[i] = Winograd3x3.transformKernel(byName[winogradNames[i]]!.standardized)
        }
        // Packed kernels exist only for Float, so the casts hold.
        let trainingNames: [String]
        if let batch, batch.count == 4, T.self == Float.self {
            let perWorker = (batch[0] + threads - 1) / Swift.max(threads, 1)
            let positions = outputPositions(height: batch[1], width: batch[2])
            trainingNames = names.filter {
                PackedConv2D.packsForTraining(byName[$0]!.standardized as! Tensor<Float>, rows: perWorker * (positions[$0] ?? 0))
            }
        } else {
            trainingNames = []
        }
        let packedNames = packedForSingleImages != nil && T.self == Float.self ? names : trainingNames
        let precision = packedForSingleImages ?? .float32
        let packs = Slots<PackedMatrix?>(packedNames.count), transposedPacks = Slots<PackedMatrix?>(trainingNames.count)
        Parallel.forEach(packedNames.count, workers: threads) { i in
            packs[i] = PackedConv2D.pack(byName[packedNames[i]]!.standardized as! Tensor<Float>, precision: precision)
        }
        Parallel.forEach(trainingNames.count, workers: threads) { i in
            transposedPacks[i] = PackedConv2D.packTransposed(byName[trainingNames[i]]!.standardized as! Tensor<Float>)
        }
        func present(_ names: [String], _ packs: [PackedMatrix?]) -> [String: PackedMatrix] {
            Dictionary(uniqueKeysWithValues: zip(names, packs).compactMap { name, p in p.map { (name, $0) } })
        }
        return StandardizedKernels(byName: byName, winograd: Dictionary(uniqueKeysWithValues: zip(winogradNames, transforms.values)),
                                   packed: present(packedNames, packs.values), trainedPacked: Set(trainingNames),
                                   packedTransposed: present(trainingNames, transposedPacks.values))
    }

    /// Output positions per image of each convolution, by kernel name, for images of `height` × `width`.
    func outputPositions(height: Int, width: Int) -> [String: Int] {
        let sizes = architecture.mapSizes(height: height, width: width)
        var positions = [Self.stemKernel: sizes.stem.height * sizes.stem.width]
        for (unit, size) in zip(architecture.units, sizes.units) {
            let output = size.output.height * size.output.width
            positions[unit.keys.convA] = size.input.height * size.input.width
            for key in [unit.keys.convB, unit.keys.convC, unit.keys.projection] { positions[key] = output }
        }
        return positions
    }

    /// The geometry of a unit's middle (3x3) convolution, which carries the unit's stride.
    static func middleGeometry(_ unit: ResNetV2Architecture.Unit) -> ConvGeometry {
        ConvGeometry(kernel: 3, stride: unit.stride, padding: 1)
    }

    /// Fewest output tiles for which a 3x3 convolution runs as Winograd's 16 GEMMs rather than
    /// one im2col GEMM: measured on R50x1, a single image's 16 tiles at 8x8 (and 4 at 4x4)
    /// are 0.9x (0.7x) as fast as im2col, its 64 at 16x16 1.1x, 16 images' 64 at 4x4 1.5x.
    static var winogradMinTiles: Int { 64 }

    // MARK: Inference

    /// Logits [N, classes] for NHWC images [N, H, W, 3] in the model's value range.
    ///
    /// The batch is split across `threads` workers, each running single-threaded BLAS; a
    /// single image with kernels packed for single images is split op by op across the
    /// workers instead, and without them gets OpenBLAS's own threads. Pass `kernels` (from
    /// `standardizedKernels`) when calling repeatedly with the same weights.
    @_specialize(where T == Float)
    public func logits(_ images: Tensor<T>, threads: Int = 1, kernels: StandardizedKernels? = nil) -> Tensor<T> {
        // The head is linear: the mean of the symmetries' logits is the head of their mean embedding.
        if averagesSymmetries { return head(embeddings(images, threads: threads, kernels: kernels)) }
        return inference(images, threads: threads, kernels: kernels) { x, kernels, threads in forward(x, kernels: kernels, tape: nil, threads: threads) }
    }

    /// The penultimate-layer embeddings [N, width]: the globally pooled features the head reads, for NHWC images
    /// [N, H, W, 3]; threads and `kernels` as for `logits`. `head` turns them into the same logits.
    @_specialize(where T == Float)
    public func embeddings(_ images: Tensor<T>, threads: Int = 1, kernels: StandardizedKernels? = nil) -> Tensor<T> {
        guard averagesSymmetries else {
            return inference(images, threads: threads, kernels: kernels) { x, kernels, threads in features(x, kernels: kernels, tape: nil, threads: threads) }
        }
        let kernels = kernels ?? standardizedKernels(threads: threads)
        // Summed in a fixed order and scaled by 1/8 (exact): the same bits on every run.
        var sum: Tensor<T>?
        for symmetry in SquareSymmetry.allCases {
            let e = inference(symmetry.apply(images), threads: threads, kernels: kernels) { x, kernels, threads in
                features(x, kernels: kernels, tape: nil, threads: threads)
            }
            if let sum { sum.add(e) } else { sum = e }
        }
        let mean = sum!
        for i in 0..<mean.count { mean.pointer[i] *= T(0.125) }
        return mean
    }

    /// Logits [N, classes] from embeddings [N, width] (the linear head).
    public func head(_ embeddings: Tensor<T>) -> Tensor<T> {
        Dense.forward(embeddings, kernel: parameters.tensor(Self.headKernel), bias: parameters.tensor(Self.headBias))
    }

    /// Runs `pass` over the batch as `logits` describes: split across workers, or one image op by op.
    private func inference(_ images: Tensor<T>, threads: Int, kernels: StandardizedKernels?,
                           _ pass: @Sendable (Tensor<T>, StandardizedKernels, Int) -> Tensor<T>) -> Tensor<T> {
        let kernels = kernels ?? standardizedKernels(threads: threads)
        let parts = Parallel.split(images.shape[0], into: threads)
        // One image with packed kernels: the workers share every op, each with single-threaded BLAS.
        let shared = parts.count == 1 && !kernels.packed.isEmpty
        BLASRuntime.setThreads(parts.count > 1 || shared ? 1 : threads)
        let slots = Slots<Tensor<T>>(parts.count)
        Parallel.forEach(parts.count) { i in
            let x = parts.count == 1 ? images : images.slice(parts[i])
            slots[i] = pass(x, kernels, shared ? threads : 1)
        }
        return Tensor.concatenate(slots.values)
    }

    // MARK: Training

    /// Mean softmax cross-entropy over the batch and its gradient for every parameter.
    ///
    /// `targets` are one label per image, or soft labels [N, classes] (MixUp). `normalizer`
    /// is the full batch size when this batch is one micro-batch of it.
    @_specialize(where T == Float)
    public func lossAndGradients(
        _ images: Tensor<T>, targets: Targets<T>, normalizer: Int? = nil, threads: Int = 1
    ) -> (loss: T, gradients: ParameterSet<T>) {
        let kernels = standardizedKernels(threads: threads, trainingOn: images.shape)
        var (loss, grads) = lossAndStandardizedGradients(images, targets: targets, normalizer: normalizer, threads: threads, kernels: kernels)
        kernels.rawGradients(&grads, threads: threads)
        return (loss, grads)
    }

    /// As `lossAndGradients`, but convolution kernels' gradients are with respect to their
    /// standardised form: a training step standardises once, sums these over its
    /// micro-batches, and maps the sum back once with `StandardizedKernels.rawGradients`.
    /// `stageReady(s, gradients)` is called as soon as stage s of `backwardStages` is complete
    /// (the gradients of its parameters final in `gradients`), stages in order, one call at a time.
    @_specialize(where T == Float)
    public func lossAndStandardizedGradients(
        _ images: Tensor<T>, targets: Targets<T>, normalizer: Int? = nil, threads: Int = 1, kernels: StandardizedKernels,
        stageReady: (@Sendable (Int, ParameterSet<T>) -> Void)? = nil
    ) -> (loss: T, gradients: ParameterSet<T>) {
        let n = images.shape[0]
        let parts = Parallel.split(n, into: threads)
        BLASRuntime.setThreads(parts.count > 1 ? 1 : threads)
        // Every kernel gradient is stored whole by its convolution's backward pass; only
        // the small GroupNorm and head gradients are sums that need zeros to start from.
        let partGradients = parts.map { _ in
            var grads = ParameterSet<T>()
            for name in parameters.names {
                let shape = parameters.tensor(name).shape
                grads.set(kernels.byName[name] != nil ? Tensor(uninitialized: shape) : Tensor(zeros: shape), for: name)
            }
            return grads
        }
        let stages = stageReady.map { StageRelease(stages: Self.backwardStages(architecture), parts: parts.count, partGradients: partGradients, ready: $0) }
        let losses = Slots<T>(parts.count)
        Parallel.forEach(parts.count) { i in
            let x = parts.count == 1 ? images : images.slice(parts[i])
            let tape = Tape()
            let logits = forward(x, kernels: kernels, tape: tape)
            let (loss, dLogits) = targets.loss(logits, rows: parts[i], normalizer: normalizer ?? n)
            backward(dLogits, tape: tape, kernels: kernels, gradients: partGradients[i], stageDone: stages.map { release in { release.partFinished($0) } })
            losses[i] = loss
        }
        // Fixed reduction order: same thread count, same bits (stage by stage when released early).
        var loss = losses.values[0]
        for l in losses.values.dropFirst() { loss += l }
        if stages == nil {
            for g in partGradients.dropFirst() { partGradients[0].accumulate(g, threads: threads) }
        }
        return (loss, partGradients[0])
    }

    /// Counts the parts of a batch through each backward stage; the part that finishes a stage
    /// last adds the parts' gradients of that stage (in part order, as the whole-set sum would),
    /// and stages are handed on strictly in order.
    final class StageRelease: @unchecked Sendable {
        let stages: [[String]]
        let partGradients: [ParameterSet<T>]
        let ready: @Sendable (Int, ParameterSet<T>) -> Void
        private var remaining: [Int]
        private var complete: [Bool]
        private var next = 0
        private let lock = NSLock()

        init(stages: [[String]], parts: Int, partGradients: [ParameterSet<T>], ready: @escaping @Sendable (Int, ParameterSet<T>) -> Void) {
            (self.stages, self.partGradients, self.ready) = (stages, partGradients, ready)
            remaining = Array(repeating: parts, count: stages.count)
            complete = Array(repeating: false, count: stages.count)
        }

        func partFinished(_ stage: Int) {
            let last = lock.withLock { remaining[stage] -= 1; return remaining[stage] == 0 }
            guard last else { return }
            for g in partGradients.dropFirst() {
                for name in stages[stage] { partGradients[0].tensor(name).add(g.tensor(name)) }
            }
            lock.withLock {
                complete[stage] = true
                while next < stages.count && complete[next] {
                    ready(next, partGradients[0])
                    next += 1
                }
            }
        }
    }

    /// What the loss compares the logits with.
    public enum Targets<S: TensorScalar>: Sendable {
        /// One class index per image.
        case labels([Int])
        /// A probability distribution over classes per image, [N, classes].
        case soft(Tensor<S>)

        func loss(_ logits: Tensor<S>, rows: Range<Int>, normalizer: Int) -> (S, Tensor<S>) {
            switch self {
            case .labels(let labels):
                return SoftmaxCrossEntropy.forward(logits, labels: Array(labels[rows]), normalizer: normalizer)
            case .soft(let t):
                return SoftmaxCrossEntropy.forward(logits, targets: t.slice(rows), normalizer: normalizer)
            }
        }
    }

    // MARK: Forward and backward

    /// Activations the backward pass needs, recorded by a training forward pass.
    final class Tape {
        var stemInput: Tensor<T>?
        var stemOutput: Tensor<T>?
        var poolArgmax: [Int32] = []
        var units: [UnitTape] = []
        var tailInput: Tensor<T>?
        var tailOutput: Tensor<T>?
        var tailStatistics: GroupNorm.Statistics<T>?
        var features: Tensor<T>?
    }

    struct UnitTape {
        let x: Tensor<T>, p: Tensor<T>, statsA: GroupNorm.Statistics<T>
        let h1: Tensor<T>, p2: Tensor<T>, statsB: GroupNorm.Statistics<T>
        let h2: Tensor<T>, p3: Tensor<T>, statsC: GroupNorm.Statistics<T>
    }

    /// `threads` workers share each op of one batch (with single-threaded BLAS).
    func forward(_ images: Tensor<T>, kernels: StandardizedKernels, tape: Tape?, threads: Int = 1) -> Tensor<T> {
        head(features(images, kernels: kernels, tape: tape, threads: threads))
    }

    /// The forward pass up to and including the global average pool: what the head reads.
    private func features(_ images: Tensor<T>, kernels: StandardizedKernels, tape: Tape?, threads: Int) -> Tensor<T> {
        precondition(images.shape.count == 4 && images.shape[3] == 3, "expected [N, H, W, 3] images, got \(images.shape)")
        let groups = architecture.groups
        func conv(_ x: Tensor<T>, _ name: String, _ g: ConvGeometry, accumulatingInto sum: Tensor<T>? = nil) -> Tensor<T> {
            // Packed kernels exist only for Float, so the casts hold.
            if let packed = kernels.packed[name], let xf = x as? Tensor<Float>, PackedConv2D.applies(xf, geometry: g, cout: packed.columns) {
                return PackedConv2D.forward(xf, kernel: packed, geometry: g, threads: threads, accumulatingInto: sum.map { $0 as! Tensor<Float> }) as! Tensor<T>
            }
            return Conv2D.forward(x, kernel: kernels[name], geometry: g, accumulatingInto: sum, threads: threads)
        }
        // Without a tape, a GroupNorm input that nothing reads afterwards is overwritten.
        func gn(_ x: Tensor<T>, _ norm: ResNetV2Architecture.NormKeys, lastUse: Bool = true) -> (Tensor<T>, GroupNorm.Statistics<T>) {
            GroupNorm.forward(x, gamma: parameters.tensor(norm.gamma), beta: parameters.tensor(norm.beta),
                              groups: groups, relu: true, inPlace: tape == nil && lastUse, threads: threads)
        }
        let stem = conv(images, Self.stemKernel, .init(kernel: 7, stride: 2, padding: 3))
        let pooled = StemMaxPool.forward(stem)
        if let tape {
            tape.stemInput = images
            tape.stemOutput = stem
            tape.poolArgmax = StemMaxPool.argmax(stem, pooled: pooled)
        }

        var x = pooled
        for unit in architecture.units {
            let k = unit.keys
            let (p, statsA) = gn(x, k.normA, lastUse: unit.hasProjection)
            // The last convolution adds its product onto the shortcut in the GEMM itself. An
            // identity shortcut is the unit's input, which only the tape still needs.
            let shortcut = unit.hasProjection
                ? conv(p, k.projection, .init(kernel: 1, stride: unit.stride))
                : (tape == nil ? x : x.copy())
            let h1 = conv(p, k.convA, .init(kernel: 1))
            let (p2, statsB) = gn(h1, k.normB)
            let h2: Tensor<T>
            if let transformed = kernels.winograd[k.convB], Winograd3x3.tiles(p2) >= Self.winogradMinTiles {
                h2 = Winograd3x3.forward(p2, transformedKernel: transformed, threads: threads)
            } else {
                h2 = conv(p2, k.convB, Self.middleGeometry(unit))
            }
            let (p3, statsC) = gn(h2, k.normC)
            let out = conv(p3, k.convC, .init(kernel: 1), accumulatingInto: shortcut)
            tape?.units.append(UnitTape(x: x, p: p, statsA: statsA, h1: h1, p2: p2, statsB: statsB, h2: h2, p3: p3, statsC: statsC))
            x = out
        }

        let (activated, tailStats) = gn(x, Self.tailNorm)
        let features = GlobalAveragePool.forward(activated)
        tape?.tailInput = x
        tape?.tailOutput = activated
        tape?.tailStatistics = tailStats
        tape?.features = features
        return features
    }

    /// Walks the tape in reverse, storing each convolution kernel's gradient (with respect to
    /// its standardised form) in `g` and adding the other parameters' gradients into it.
    func backward(_ dLogits: Tensor<T>, tape: Tape, kernels: StandardizedKernels, gradients g: ParameterSet<T>,
                  stageDone: ((Int) -> Void)? = nil) {
        let groups = architecture.groups
        let features = tape.features!
        let dFeatures = Dense.backward(dLogits, input: features, kernel: parameters.tensor(Self.headKernel),
                                       kernelGradient: g.tensor(Self.headKernel), biasGradient: g.tensor(Self.headBias))
        let dActivated = GlobalAveragePool.backward(dFeatures, inputShape: tape.tailOutput!.shape)
        var dx = GroupNorm.backward(dActivated, input: tape.tailInput!, output: tape.tailOutput!,
                                    gamma: parameters.tensor(Self.tailNorm.gamma), statistics: tape.tailStatistics!,
                                    groups: groups, relu: true,
                                    gammaGradient: g.tensor(Self.tailNorm.gamma), betaGradient: g.tensor(Self.tailNorm.beta))
        stageDone?(0)

        func gnBackward(_ dy: Tensor<T>, _ x: Tensor<T>, _ y: Tensor<T>, _ stats: GroupNorm.Statistics<T>, _ norm: ResNetV2Architecture.NormKeys,
                        adding residual: Tensor<T>? = nil) -> Tensor<T> {
            GroupNorm.backward(dy, input: x, output: y, gamma: parameters.tensor(norm.gamma), statistics: stats,
                               groups: groups, relu: true,
                               gammaGradient: g.tensor(norm.gamma), betaGradient: g.tensor(norm.beta), adding: residual)
        }
        func convBackward(_ dy: Tensor<T>, _ x: Tensor<T>, _ name: String, _ geometry: ConvGeometry, adding sum: Tensor<T>? = nil) -> Tensor<T> {
            // Packed kernels exist only for Float, so the casts hold.
            if kernels.trainedPacked.contains(name), let transposed = kernels.packedTransposed[name] {
                return PackedConv2D.backward(dy as! Tensor<Float>, input: x as! Tensor<Float>, geometry: geometry,
                                             kernelGradient: g.tensor(name) as! Tensor<Float>, transposedKernel: transposed,
                                             adding: sum.map { $0 as! Tensor<Float> })! as! Tensor<T>
            }
            return Conv2D.backward(dy, input: x, kernel: kernels[name], geometry: geometry, kernelGradient: g.tensor(name),
                            overwriteKernelGradient: true, addingInputGradientTo: sum)!
        }

        for (stage, (unit, t)) in zip(architecture.units, tape.units).reversed().enumerated() {
            let k = unit.keys
            let dOut = dx
            let dp3 = convBackward(dOut, t.p3, k.convC, .init(kernel: 1))
            let dh2 = gnBackward(dp3, t.h2, t.p3, t.statsC, k.normC)
            let dp2: Tensor<T>
            if let transformed = kernels.winograd[k.convB], Winograd3x3.tiles(dh2) >= Self.winogradMinTiles {
                Winograd3x3.kernelGradient(dh2, input: t.p2, kernelGradient: g.tensor(k.convB), overwrite: true)
                dp2 = Winograd3x3.inputGradient(dh2, transformedKernel: transformed)
            } else {
                dp2 = convBackward(dh2, t.p2, k.convB, Self.middleGeometry(unit))
            }
            let dh1 = gnBackward(dp2, t.h1, t.p2, t.statsB, k.normB)
            var dp = convBackward(dh1, t.p, k.convA, .init(kernel: 1))
            if unit.hasProjection {
                dp = convBackward(dOut, t.p, k.projection, .init(kernel: 1, stride: unit.stride), adding: dp)
            }
            // The identity shortcut adds the raw input, so its gradient passes straight through.
            dx = gnBackward(dp, t.x, t.p, t.statsA, k.normA, adding: unit.hasProjection ? nil : dOut)
            stageDone?(stage + 1)
        }

        let dStem = StemMaxPool.backward(dx, argmax: tape.poolArgmax, inputShape: tape.stemOutput!.shape)
        if kernels.trainedPacked.contains(Self.stemKernel) {
            _ = PackedConv2D.backward(dStem as! Tensor<Float>, input: tape.stemInput! as! Tensor<Float>,
                                      geometry: .init(kernel: 7, stride: 2, padding: 3),
                                      kernelGradient: g.tensor(Self.stemKernel) as! Tensor<Float>, transposedKernel: nil)
        } else {
            _ = Conv2D.backward(dStem, input: tape.stemInput!, kernel: kernels[Self.stemKernel],
                                geometry: .init(kernel: 7, stride: 2, padding: 3),
                                kernelGradient: g.tensor(Self.stemKernel), overwriteKernelGradient: true, wantInputGradient: false)
        }
        stageDone?(architecture.units.count + 1)
    }
}

/// One result per worker, written from concurrent closures at distinct indices.
///
/// The slots are a buffer allocated once: an Array's `withUnsafeMutableBufferPointer` moves the
/// array out of the property while its closure runs, so two workers writing at once could each
/// write into a copy and one result was lost.
final class Slots<R>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<R?>
    init(_ count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }
    deinit {
        storage.deinitialize()
        storage.deallocate()
    }
    subscript(i: Int) -> R {
        get { storage[i]! }
        set { storage[i] = newValue }
    }
    var values: [R] { storage.map { $0! } }
}
