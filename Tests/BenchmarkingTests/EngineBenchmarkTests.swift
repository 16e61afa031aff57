import Foundation
import Testing
import Benchmarking
import PackedGEMM
@testable import BiT

@Suite struct EngineBenchmarkTests {
    @Test func everyIterationCoversAtLeast32Images() {
        #expect([1, 5, 31, 32, 33, 64].map { EngineBenchmark.callsPerIteration(batch: $0) } == [32, 7, 2, 1, 1, 1])
    }

    @Test func aMeasurementTimesEachIterationOverItsCalls() throws {
        let setup = EngineBenchmark.Setup(architecture: try ResNetV2Architecture(named: "R14x0.125"), resolution: 32, threads: 2)
        let model = EngineBenchmark.model(setup)
        var lines: [String] = []
        for (task, batch) in [(EngineBenchmark.Task.inference, 1), (.inference, 5), (.training, 3)] {
            lines.removeAll()
            let m = EngineBenchmark.measure(task, batch: batch, model: model, setup: setup, iterations: 2) { lines.append($0) }
            #expect(m.imagesPerIteration == batch * EngineBenchmark.callsPerIteration(batch: batch))
            #expect(m.imagesPerIteration >= EngineBenchmark.imagesPerIteration)
            #expect(m.iterations.count == 2 && lines.count == 2)
            #expect(m.iterations.allSatisfy { $0.isFinite && $0 > 0 })
            #expect(m.imagesPerSecond == EngineBenchmark.median(m.iterations))
        }
    }

    @Test(.enabled(if: PackedConv2D.isSupported, "the packed kernel is AVX-512 code"))
    func theDifferenceOfBFloat16KernelsIsMeasuredOnSingleImages() throws {
        let setup = EngineBenchmark.Setup(architecture: try ResNetV2Architecture(named: "R14x0.125"), resolution: 32, classes: 3, threads: 2)
        let model = EngineBenchmark.model(setup)
        var rng = SeededRandom(seed: 5)
        let images = Tensor<Float>(shape: [6, 32, 32, 3]) { _ in Float(rng.nextUnit() * 2 - 1) }
        // Labels: each image's float32 prediction, but the first one's is wrong.
        let kernels = model.standardizedKernels(packedForSingleImages: .float32)
        let labels = (0..<6).map { i in
            let logits = model.logits(images.slice(i..<(i + 1)), threads: 2, kernels: kernels).array
            return ((0..<3).max { logits[$0] < logits[$1] }! + (i == 0 ? 1 : 0)) % 3
        }
        let same = EngineBenchmark.precisionDifference(.float32, model: model, images: images, labels: labels, threads: 2)
        #expect(same.images == 6 && same.samePrediction == 6 && same.maxRelativeLogitDifference == 0 && same.maxProbabilityDifference == 0)
        #expect(same.float32Correct == 5 && same.lowerCorrect == 5)
        let d = EngineBenchmark.precisionDifference(.bfloat16, model: model, images: images, labels: nil, threads: 2)
        #expect(d.maxRelativeLogitDifference > 0 && d.maxRelativeLogitDifference < 0.2)
        #expect(d.maxProbabilityDifference > 0 && d.float32Correct == nil && d.lowerCorrect == nil)
        let decoded = try JSONDecoder().decode(EngineBenchmark.PrecisionDifference.self, from: JSONEncoder().encode(same))
        #expect(decoded.float32Correct == 5 && decoded.precision == .float32)
    }
}
