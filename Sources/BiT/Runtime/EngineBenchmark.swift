import Foundation

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

        /// A set-up of `architecture` at `resolution`² on `threads` workers.
        public init(architecture: ResNetV2Architecture, resolution: Int, classes: Int = 2, threads: Int) {
            (self.architecture, self.resolution, self.classes, self.threads) = (architecture, resolution, classes, threads)
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
        public var forwardGFLOPPerImage: Double
        public var measurements: [Measurement]
        /// Peak resident memory of the process, bytes.
        public var peakMemoryBytes: Int
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

    /// Images each timed iteration covers at least: a smaller batch is run that many times in
    /// a row (batch 1: 32 calls), so that one 20 ms call is never timed alone on a shared
    /// machine. Benchmarks/peers.py times its peers the same way.
    public static let imagesPerIteration = 32

    /// Calls of `batch` images that make up one timed iteration.
    public static func callsPerIteration(batch: Int) -> Int { (imagesPerIteration + batch - 1) / batch }

    /// Times `iterations` iterations of `task` on `model` with random images (each at least
    /// `imagesPerIteration` images) after one warm-up run.
    /// A training measurement updates the model's weights.
    public static func measure(
        _ task: Task, batch: Int, model: ResNetV2<Float>, setup: Setup, iterations: Int, progress: (String) -> Void = { _ in }
    ) -> Measurement {
        var rng = SeededRandom(seed: 3)
        let images = Tensor<Float>(shape: [batch, setup.resolution, setup.resolution, 3]) { _ in Float(rng.nextUnit() * 2 - 1) }
        let labels = (0..<batch).map { $0 % setup.classes }
        let threads = setup.threads

        let run: () -> Void
        switch task {
        case .inference:
            // A server answering one image at a time would pack its kernels for that once, too.
            let kernels = model.standardizedKernels(threads: threads, packedForSingleImages: batch == 1)
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
                           imagesPerSecond: median, gflops: median * flop)
    }

    /// Measures each (task, batch) in turn on one model (built once: initialising R50x1's
    /// 23.5 million weights takes seconds).
    public static func run(
        _ cases: [(Task, Int)], setup: Setup, iterations: Int, progress: (String) -> Void = { _ in }
    ) -> Result {
        let model = model(setup)
        let measurements = cases.map { measure($0.0, batch: $0.1, model: model, setup: setup, iterations: iterations, progress: progress) }
        return Result(
            architecture: setup.architecture.description, resolution: setup.resolution, threads: setup.threads,
            blasCore: BLASRuntime.coreName, blasCoreOrigin: BLASRuntime.kernelOrigin,
            forwardGFLOPPerImage: setup.forwardGFLOPPerImage, measurements: measurements,
            peakMemoryBytes: peakResidentBytes())
    }

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
