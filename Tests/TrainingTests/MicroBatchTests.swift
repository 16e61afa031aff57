import BiT
import Testing

@Suite struct MicroBatchTests {
    @Test func accumulatedMicroBatchesEqualOneLargeBatch() throws {
        // GroupNorm has no batch statistics, so splitting a batch changes only summation order.
        var model = ResNetV2<Double>(architecture: try ResNetV2Architecture(named: "R26x0.125"), classes: 3, seed: 2)
        var rng = SeededRandom(seed: 3)
        let head = model.parameters.tensor("resnet/head/conv2d/kernel")
        for i in 0..<head.count { head[i] = rng.nextNormal() * 0.1 }
        model.parameters.set(head, for: "resnet/head/conv2d/kernel")
        let images = Tensor<Double>(shape: [8, 15, 15, 3]) { _ in rng.nextUnit() * 2 - 1 }
        let labels = [0, 1, 2, 0, 1, 2, 0, 1]
        let whole = model.lossAndGradients(images, targets: .labels(labels))
        var loss = 0.0
        var sum: ParameterSet<Double>?
        for start in stride(from: 0, to: 8, by: 3) {
            let r = start..<min(start + 3, 8)
            let (l, g) = model.lossAndGradients(images.slice(r), targets: .labels(Array(labels[r])), normalizer: 8)
            loss += l
            if let sum { sum.accumulate(g) } else { sum = g }
        }
        #expect(abs(loss - whole.loss) < 1e-12)
        for name in model.parameters.names {
            let a = sum!.tensor(name).array, b = whole.gradients.tensor(name).array
            let err = zip(a, b).map { abs($0 - $1) / max(1e-6, abs($1)) }.max()!
            #expect(err < 1e-9, "\(name)")
        }
    }
}
