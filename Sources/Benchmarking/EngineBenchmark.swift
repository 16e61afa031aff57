import BiT
import Foundation
import PackedGEMM

/// Measures the engine: inference and training-step throughput of one architecture.
public enum EngineBenchmark {
    /// What is timed.
    public enum Task: String, Codable, Sendable, CaseIterable {
        /// A forward pass with fixed weights (their standardisation, and at batch 1 their packing,
        /// done once, as for a deployed model).
        case inference
        /// Forward, backward, weight standardisation and its gradient, SGD-momentum update.
        case training
    }

    /// The model and machine set-up shared by every measurement.
    public struct Setup: Sendable {
        public var architecture: ResNetV2Architecture
        public var resolution: Int
        public var classes: Int
        public var threads: Int
        /// How the kernels packed for batch-1 inference store their values.
        public var singleImagePrecision: PackedMatrix.Precision

        /// A set-up of `architecture` at `resolution`² on `threads` workers.
        public init(architecture: ResNetV2Architecture, resolution: Int, classes: Int = 2, threads: Int,
                    singleImagePrecision: PackedMatrix.Precision = .float32) {
            (self.architecture, self.resolution, self.classes, self.threads) = (architecture, resolution, classes, threads)
            self.singleImagePrecision = singleImagePrecision
        }

        /// Forward GFLOP per image (2 × multiply-accumulates of convolutions and head).
        public var forwardGFLOPPerImage: Double {
            2 * Double(architecture.forwardMACs(input: resolution, classes: classes)) / 1e9
        }
    }

    /// One task at one batch size.
    public struct Measurement: Sendable, Codable {
        public var task: Task
        public var batch: Int
        /// Images each timed iteration ran: `batch` × calls in a row.
        public var imagesPerIteration: Int
        /// Images per second of each timed iteration, in order.
        public var iterations: [Double]
        /// How the packed kernels stored their values (batch-1 inference only).
        public var precision: PackedMatrix.Precision?
        /// The median of `iterations`.
        public var imagesPerSecond: Double
        /// Effective GFLOP/s: a direct convolution's arithmetic per image over the time (Winograd
        /// does fewer operations); a training step counts 3 × forward (forward, input and weight gradients).
        public var gflops: Double
    }

    /// Everything one `bench` run measured.
    public struct Result: Sendable, Codable {
        public var architecture: String
        public var resolution: Int
        public var threads: Int
        public var blasCore: String
        public var blasCoreOrigin: String
        /// Whether batch-1 inference and training's convolutions with kernels up to 1 MiB or few
        /// rows ran on the engine's own AVX-512 kernels (`PackedConv2D`) rather than OpenBLAS.
        public var packedKernels: Bool
        public var forwardGFLOPPerImage: Double
        public var measurements: [Measurement]
        /// Batch-1 outputs on lower-precision kernels against float32 ones, when measured.
        public var precisionDifference: PrecisionDifference?
        /// Peak resident memory of the process, bytes.
        public var peakMemoryBytes: Int
    }

    /// How far kernels stored at a lower precision move single images' outputs from the same
    /// model's float32 outputs.
    public struct PrecisionDifference: Sendable, Codable {
        /// The lower precision.
        public var precision: PackedMatrix.Precision
        /// Images compared, each run alone (the path the packed kernels serve).
        public var images: Int
        /// Largest |logit difference| over the largest |float32 logit|.
        public var maxRelativeLogitDifference: Double
        /// Largest difference of a class probability.
        public var maxProbabilityDifference: Double
        /// Images whose predicted class is the same.
        public var samePrediction: Int
        /// Images predicted correctly with float32 kernels, when labels are known.
        public var float32Correct: Int?
        /// Images predicted correctly with the lower-precision kernels, when labels are known.
        public var lowerCorrect: Int?
    }

    /// Runs each of `images` alone on `model` with kernels packed at float32 and at `precision`
    /// and compares the outputs; `labels` (one per image) add each one's correct count.
    public static func precisionDifference(
        _ precision: PackedMatrix.Precision, model: ResNetV2<Float>, images: Tensor<Float>, labels: [Int]?, threads: Int
    ) -> PrecisionDifference {
        let exact = model.standardizedKernels(threads: threads, packedForSingleImages: .float32)
        let lower = model.standardizedKernels(threads: threads, packedForSingleImages: precision)
        let n = images.shape[0], k = model.classes
        var reference: [Float] = [], got: [Float] = []
        for i in 0..<n {
            let image = images.slice(i..<(i + 1))
            reference += model.logits(image, threads: threads, kernels: exact).array
            got += model.logits(image, threads: threads, kernels: lower).array
        }
        let p = SoftmaxCrossEntropy.softmax(Tensor(shape: [n, k], values: reference)).array
        let q = SoftmaxCrossEntropy.softmax(Tensor(shape: [n, k], values: got)).array
        func top(_ v: [Float], _ i: Int) -> Int { (0..<k).max { v[i * k + $0] < v[i * k + $1] }! }
        let scale = Double(reference.map(abs).max() ?? 0)
        let logitDifference = zip(reference, got).map { Double(abs($0 - $1)) }.max() ?? 0
        return PrecisionDifference(
            precision: precision, images: n,
            maxRelativeLogitDifference: scale > 0 ? logitDifference / scale : logitDifference,
            maxProbabilityDifference: zip(p, q).map { Double(abs($0 - $1)) }.max() ?? 0,
            samePrediction: (0..<n).filter { top(reference, $0) == top(got, $0) }.count,
            float32Correct: labels.map { labels in (0..<n).filter { top(reference, $0) == labels[$0] }.count },
            lowerCorrect: labels.map { labels in (0..<n).filter { top(got, $0) == labels[$0] }.count })
    }

    /// A randomly initialised model of `setup` with a small non-zero head, so that gradients
    /// reach the backbone as in real training (a zero head would stop them).
    public static func model(_ setup: Setup) -> ResNetV2<Float> {
        var model = ResNetV2<Float>(architecture: setup.architecture, classes: setup.classes, seed: 1)
        let head = model.parameters.tensor(ResNetV2<Float>.headKernel)
        var rng = SeededRandom(seed: 2)
        for i in 0..<head.count { head[i] = Float(rng.nextNormal() * 0.01) }
        model.parameters.set(head, for: ResNetV2<Float>.headKernel)
        return model
    }

    /// `count` images of uniform noise in [-1, 1] (the model's value range).
    static func randomImages(_ count: Int, resolution: Int, seed: UInt64) -> Tensor<Float> {
        var rng = SeededRandom(seed: seed)
        return Tensor<Float>(shape: [count, resolution, resolution, 3]) { _ in Float(rng.nextUnit() * 2 - 1) }
    }

    /// Images each timed iteration covers at least: a smaller batch is run that many times in
    /// a row (batch 1: 32 calls), so that one 20 ms call is never timed alone on a shared
    /// machine. Sources/Benchmarking/peers.py times its peers the same way.
    public static let imagesPerIteration = 32

    /// Calls of `batch` images that make up one timed iteration.
    public static func callsPerIteration(batch: Int) -> Int { (imagesPerIteration + batch - 1) / batch }

    /// Times `iterations` iterations of `task` on `model` with random images (each at least
    /// `imagesPerIteration` images) after one warm-up run.
    /// A training measurement updates the model's weights.
    public static func measure(
        _ task: Task, batch: Int, model: ResNetV2<Float>, setup: Setup, iterations: Int, progress: (String) -> Void = { _ in }
    ) -> Measurement {
        let images = randomImages(batch, resolution: setup.resolution, seed: 3)
        let labels = (0..<batch).map { $0 % setup.classes }
        let threads = setup.threads

        let run: () -> Void
        switch task {
        case .inference:
            // A server answering one image at a time would pack its kernels for that once, too.
            let kernels = model.standardizedKernels(threads: threads, packedForSingleImages: batch == 1 ? setup.singleImagePrecision : nil)
            run = { _ = model.logits(images, threads: threads, kernels: kernels) }
        case .training:
            var sgd = SGD<Float>()
            run = {
                let (_, grads) = model.lossAndGradients(images, targets: .labels(labels), threads: threads)
                sgd.step(model.parameters, gradients: grads, learningRate: 1e-4, threads: threads)
            }
        }
        run()  // warm-up: first-touch allocations, BLAS buffers
        let calls = callsPerIteration(batch: batch)
        var rates: [Double] = []
        for i in 1...iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { run() }
            let rate = Double(batch * calls) / (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            rates.append(rate)
            progress(String(format: "%@ batch %d, %d/%d: %.1f img/s", task.rawValue, batch, i, iterations, rate))
        }
        let median = Self.median(rates)
        let flop = setup.forwardGFLOPPerImage * (task == .training ? 3 : 1)
        return Measurement(task: task, batch: batch, imagesPerIteration: batch * calls, iterations: rates,
                           precision: task == .inference && batch == 1 ? setup.singleImagePrecision : nil,
                           imagesPerSecond: median, gflops: median * flop)
    }

    /// Measures each (task, batch) in turn on one model: `model`, else a random one of `setup`
    /// (built once: initialising R50x1's 23.5 million weights takes seconds). With batch-1
    /// inference on kernels below float32, also compares its outputs to float32 ones on
    /// `comparisonImages` (random ones when nil). `blasCoreOrigin` says why OpenBLAS runs the core it runs.
    public static func run(
        _ cases: [(Task, Int)], setup: Setup, iterations: Int, blasCoreOrigin: String, model: ResNetV2<Float>? = nil,
        comparisonImages: (images: Tensor<Float>, labels: [Int]?)? = nil, progress: (String) -> Void = { _ in }
    ) -> Result {
        let model = model ?? Self.model(setup)
        var difference: PrecisionDifference?
        if setup.singleImagePrecision != .float32, cases.contains(where: { $0 == (.inference, 1) }) {
            let images = comparisonImages ?? (randomImages(32, resolution: setup.resolution, seed: 4), nil)
            difference = precisionDifference(setup.singleImagePrecision, model: model, images: images.images, labels: images.labels, threads: setup.threads)
        }
        let measurements = cases.map { measure($0.0, batch: $0.1, model: model, setup: setup, iterations: iterations, progress: progress) }
        return Result(
            architecture: setup.architecture.description, resolution: setup.resolution, threads: setup.threads,
            blasCore: BLASRuntime.coreName, blasCoreOrigin: blasCoreOrigin, packedKernels: PackedConv2D.isSupported,
            forwardGFLOPPerImage: setup.forwardGFLOPPerImage, measurements: measurements,
            precisionDifference: difference, peakMemoryBytes: peakResidentBytes())
    }

    /// "inference, batch 32": a case as tables and progress lines name it.
    public static func label(_ task: Task, _ batch: Int) -> String { "\(task.rawValue), batch \(batch)" }

    /// The middle value (the upper one of an even count).
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s[s.count / 2]
    }

    /// The process's peak resident set size.
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
