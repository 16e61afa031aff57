import Foundation

/// Measures the engine: forward and training-step throughput of one architecture.
public enum EngineBenchmark {
    /// What one benchmark run measured.
    public struct Result: Sendable, Codable {
        public var architecture: String
        public var resolution: Int
        public var batch: Int
        public var threads: Int
        public var blasCore: String
        public var blasCoreOrigin: String
        /// Median images per second of a forward pass (inference).
        public var forwardImagesPerSecond: Double
        /// Median images per second of a training step (forward, backward, SGD-momentum update).
        public var trainImagesPerSecond: Double
        /// Forward GFLOP per image (2 × multiply-accumulates of convolutions and head).
        public var forwardGFLOPPerImage: Double
        /// Achieved GFLOP/s of the forward pass.
        public var forwardGFLOPS: Double
        /// Achieved GFLOP/s of a training step, counted as 3 × forward (forward, input and weight gradients).
        public var trainGFLOPS: Double
        /// Peak resident memory of the process, bytes.
        public var peakMemoryBytes: Int
    }

    /// Runs `iterations` timed forward passes and training steps on random data after one warm-up each.
    public static func run(
        architecture: ResNetV2Architecture, resolution: Int, batch: Int, classes: Int = 2,
        threads: Int, iterations: Int, progress: (String) -> Void = { _ in }
    ) -> Result {
        var model = ResNetV2<Float>(architecture: architecture, classes: classes, seed: 1)
        // A non-zero head, so that gradients reach the backbone as in real training.
        let head = model.parameters.tensor(ResNetV2<Float>.headKernel)
        var rng = SeededRandom(seed: 2)
        for i in 0..<head.count { head[i] = Float(rng.nextNormal() * 0.01) }
        model.parameters.set(head, for: ResNetV2<Float>.headKernel)
        let images = Tensor<Float>(shape: [batch, resolution, resolution, 3]) { _ in Float(rng.nextUnit() * 2 - 1) }
        let labels = (0..<batch).map { $0 % classes }

        func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

        var forwardTimes: [Double] = []
        for i in 0...iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = model.logits(images, threads: threads)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if i > 0 { forwardTimes.append(dt); progress(String(format: "forward %d/%d: %.1f img/s", i, iterations, Double(batch) / dt)) }
        }
        var sgd = SGD<Float>()
        var trainTimes: [Double] = []
        for i in 0...iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let (_, grads) = model.lossAndGradients(images, targets: .labels(labels), threads: threads)
            sgd.step(model.parameters, gradients: grads, learningRate: 1e-4)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if i > 0 { trainTimes.append(dt); progress(String(format: "train step %d/%d: %.1f img/s", i, iterations, Double(batch) / dt)) }
        }
        let gflop = 2 * Double(architecture.forwardMACs(input: resolution, classes: classes)) / 1e9
        let fwd = Double(batch) / median(forwardTimes), train = Double(batch) / median(trainTimes)
        return Result(
            architecture: architecture.description, resolution: resolution, batch: batch, threads: threads,
            blasCore: BLASRuntime.coreName, blasCoreOrigin: BLASRuntime.kernelOrigin,
            forwardImagesPerSecond: fwd, trainImagesPerSecond: train,
            forwardGFLOPPerImage: gflop, forwardGFLOPS: fwd * gflop, trainGFLOPS: train * 3 * gflop,
            peakMemoryBytes: peakResidentBytes())
    }

    /// The process's peak resident set size.
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
