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
}
