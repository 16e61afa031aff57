import BiT
import Collectives

/// A model's outputs over a whole dataset, in sample order.
public struct DatasetPredictions: Sendable {
    /// Logits [samples, classes], row-major.
    public let logits: [Float]
    /// The true label of each sample.
    public let labels: [Int]
    /// Number of classes.
    public let classes: Int

    /// Predictions already computed: `logits` row-major [labels.count, classes].
    public init(logits: [Float], labels: [Int], classes: Int) {
        (self.logits, self.labels, self.classes) = (logits, labels, classes)
    }

    /// Runs `model` over every sample of an evaluation loader, the batches shared among the
    /// ranks of `group`.
    public init(model: ResNetV2<Float>, loader: BatchLoader, threads: Int, group: ProcessGroup = World.group) throws {
        precondition({ if case .training = loader.mode { return false } else { return true } }(), "predictions need an evaluation loader")
        let kernels = model.standardizedKernels(threads: threads)
        let logits = try ShardedPass.run(loader, streams: 1, group: group, what: "gathering predictions") { batch in
            [model.logits(batch.images, threads: threads, kernels: kernels).array]
        }
        (self.logits, self.labels, self.classes) = (logits[0], loader.samples.map(\.label), model.classes)
    }

    /// Softmax probabilities [samples, classes], row-major.
    public var probabilities: [Float] {
        SoftmaxCrossEntropy.softmax(Tensor(shape: [labels.count, classes], values: logits)).array
    }

    /// Mean softmax cross-entropy.
    public var meanLoss: Double {
        let t = Tensor<Float>(shape: [labels.count, classes], values: logits)
        return Double(SoftmaxCrossEntropy.forward(t, labels: labels).loss)
    }

    /// Predicted class per sample (the arg-max, the first on ties).
    public var predictedClasses: [Int] {
        (0..<labels.count).map { i in
            let row = logits[i * classes..<(i + 1) * classes]
            return row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! - i * classes
        }
    }

    /// Predicted class per sample with two classes decided by a threshold on `positive`'s
    /// probability (positive when at least `threshold`); the arg-max without a threshold or with
    /// another number of classes, where one probability cannot decide between the rest.
    public func predictedClasses(positive: Int, threshold: Double?) -> [Int] {
        guard let threshold, classes == 2, (0..<2).contains(positive) else { return predictedClasses }
        let p = probabilities
        return (0..<labels.count).map { Double(p[$0 * 2 + positive]) >= threshold ? positive : 1 - positive }
    }

    /// Share of samples whose arg-max is the true label.
    public var accuracy: Double {
        Double(zip(predictedClasses, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }
}
