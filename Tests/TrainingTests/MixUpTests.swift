import BiT
import Testing
@testable import Training

@Suite struct MixUpTests {
    @Test func betaSamplerHasTheRightMoments() {
        // Beta(a, a): mean 1/2, variance 1 / (4(2a + 1)).
        for alpha in [0.1, 2.0] {
            let xs = (0..<20_000).map { MixUp.lambda(alpha: alpha, seed: 5, step: $0) }
            let mean = xs.reduce(0, +) / Double(xs.count)
            var variance = 0.0
            for x in xs { variance += (x - mean) * (x - mean) }
            variance /= Double(xs.count)
            let expected = 1 / (4 * (2 * alpha + 1))
            #expect(abs(mean - 0.5) < 0.02, "alpha \(alpha): mean \(mean)")
            #expect(abs(variance - expected) < 0.1 * expected, "alpha \(alpha): variance \(variance), expected \(expected)")
            #expect(xs.allSatisfy { (0...1).contains($0) })
        }
        #expect(MixUp.lambda(alpha: 0.1, seed: 5, step: 3) == MixUp.lambda(alpha: 0.1, seed: 5, step: 3))
    }

    @Test func mixesWithTheReversedBatch() {
        let images = Tensor<Float>(shape: [3, 1, 1, 1], values: [0, 10, 20])
        let targets = MixUp.mix(images, labels: [0, 1, 1], classes: 2, lambda: 0.75)
        #expect(images.array == [5, 10, 15])  // 0.75·x_i + 0.25·x_{n-1-i}
        #expect(targets.array == [0.75, 0.25, 0, 1, 0.25, 0.75])
    }

    @Test func labelSmoothingMovesEpsilonToTheUniformDistribution() {
        let hard = LabelSmoothing.apply(.labels([0, 2]), epsilon: 0.3, classes: 3)
        #expect(hard.shape == [2, 3])
        for (v, e) in zip(hard.array, [0.8, 0.1, 0.1, 0.1, 0.1, 0.8]) { #expect(abs(Double(v) - e) < 1e-6) }
        let mixed = LabelSmoothing.apply(.soft(Tensor(shape: [1, 2], values: [0.75, 0.25])), epsilon: 0.2, classes: 2)
        for (v, e) in zip(mixed.array, [0.7, 0.3]) { #expect(abs(Double(v) - e) < 1e-6) }  // 0.8·t + 0.1
        #expect(TrainingOptions(rule: .forDataset(examples: 100), microBatchSize: 8, evaluateEvery: 1, patience: nil, checkpointEvery: 1,
                                seed: 0, threads: 1, labelSmoothing: 1).problems == ["label smoothing must be in [0, 1), got 1.0"])
    }
}
