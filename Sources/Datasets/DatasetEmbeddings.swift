import BiT

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

    /// Runs `model` up to its global pooling over every sample of an evaluation loader, then its head.
    public init(model: ResNetV2<Float>, loader: BatchLoader, threads: Int) throws {
        var vectors: [[Float]] = []
        var logits: [Float] = []
        var labels: [Int] = []
        vectors.reserveCapacity(loader.samples.count)
        let kernels = model.standardizedKernels(threads: threads)
        for step in 0..<loader.batchesPerEpoch {
            let batch = try loader.batch(step)
            let features = model.embeddings(batch.images, threads: threads, kernels: kernels)
            let width = features.shape[1]
            let values = features.array
            vectors += (0..<features.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
            logits += model.head(features).array
            labels += batch.labels
        }
        (self.vectors, predictions) = (vectors, DatasetPredictions(logits: logits, labels: labels, classes: model.classes))
    }
}
