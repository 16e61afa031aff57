import BiT
import Datasets

/// What checks need of a model: its outputs for a batch of images. The engine's ResNetV2 is one;
/// another classifier could be verified by conforming to this, without touching a check.
public protocol Classifier: Sendable {
    /// How many classes it tells apart: the width of its outputs.
    var classCount: Int { get }
    /// Logits [images, classes] for a batch of images [images, height, width, 3].
    func logits(_ images: Tensor<Float>, threads: Int) -> Tensor<Float>
    /// The logits of every batch of an evaluation loader, in order, with their labels: one pass
    /// over a split. A conformer prepares once what all batches share (the engine standardises its kernels).
    func predictions(_ loader: BatchLoader, threads: Int) throws -> DatasetPredictions
    /// The penultimate-layer embeddings (what the last layer reads) and logits of every batch of an evaluation
    /// loader, in order, from one pass: what a drift check compares between two image sets.
    func embeddings(_ loader: BatchLoader, threads: Int) throws -> DatasetEmbeddings
    /// Where a NaN or infinity first appears for these images (a parameter or a layer's output,
    /// in forward order), or nil if none does: what a non-finite finding names.
    func firstNonFinite(_ images: Tensor<Float>) -> String?
}

/// A classifier that can also be trained, for the checks that train (overfit_batch).
public protocol TrainableClassifier: Classifier {
    /// Trains on one labelled batch for `steps` steps of SGD with `momentum`, changing the weights;
    /// returns the softmax cross-entropy before each step and after the last (steps + 1 values).
    func fit(_ images: Tensor<Float>, labels: [Int], steps: Int, learningRate: Double, momentum: Double, threads: Int) -> [Double]
}
