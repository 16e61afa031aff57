import BiT
import Datasets
import Foundation

/// The engine's model as checks see it; written here so that the engine need not know the checks.
extension ResNetV2: Classifier, TrainableClassifier where T == Float {
    public var classCount: Int { classes }

    public func logits(_ images: Tensor<Float>, threads: Int) -> Tensor<Float> {
        logits(images, threads: threads, kernels: nil)
    }

    public func predictions(_ loader: BatchLoader, threads: Int) throws -> DatasetPredictions {
        try DatasetPredictions(model: self, loader: loader, threads: threads)
    }

    public func embeddings(_ loader: BatchLoader, threads: Int) throws -> DatasetEmbeddings {
        try DatasetEmbeddings(model: self, loader: loader, threads: threads)
    }

    public func fit(_ images: Tensor<Float>, labels: [Int], steps: Int, learningRate: Double, momentum: Double,
                    threads: Int) -> [Double] {
        var sgd = SGD<Float>(momentum: Float(momentum))
        var losses: [Double] = []
        for _ in 0..<steps {
            let (loss, grads) = lossAndGradients(images, targets: .labels(labels), threads: threads)
            losses.append(Double(loss))
            sgd.step(parameters, gradients: grads, learningRate: Float(learningRate))
        }
        losses.append(Double(lossAndGradients(images, targets: .labels(labels), threads: threads).loss))
        return losses
    }

    /// A BiT checkpoint (.npz) read as a classifier: how contexts load baseline models.
    public static func classifier(contentsOf url: URL) throws -> any Classifier {
        try BiTCheckpoint.load(url).model
    }
}
