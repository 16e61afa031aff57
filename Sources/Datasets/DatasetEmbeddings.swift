import BiT
import Collectives

/// A model's penultimate-layer embeddings over a whole dataset, in sample order, with the logits its head makes of
/// them: one forward pass gives both.
public struct DatasetEmbeddings: Sendable {
    /// One embedding (the globally pooled features) per sample.
    public let vectors: [[Float]]
    /// The logits and labels of the same samples.
    public let predictions: DatasetPredictions

    /// Embeddings already computed, with their predictions.
    public init(vectors: [[Float]], predictions: DatasetPredictions) {
        (self.vectors, self.predictions) = (vectors, predictions)
    }

    /// Runs `model` up to its global pooling over every sample of an evaluation loader, then its
    /// head, the batches shared among the ranks of `group`.
    public init(model: ResNetV2<Float>, loader: BatchLoader, threads: Int, group: ProcessGroup = World.group) throws {
        let kernels = model.standardizedKernels(threads: threads)
        let streams = try ShardedPass.run(loader, streams: 2, group: group, what: "gathering embeddings") { batch in
            let features = model.embeddings(batch.images, threads: threads, kernels: kernels)
            return [features.array, model.head(features).array]
        }
        let width = streams[0].count / max(loader.samples.count, 1)
        let vectors = (0..<loader.samples.count).map { Array(streams[0][($0 * width)..<(($0 + 1) * width)]) }
        (self.vectors, predictions) = (vectors, DatasetPredictions(logits: streams[1], labels: loader.samples.map(\.label), classes: model.classes))
    }
}
