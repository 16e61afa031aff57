import BiT
import Checks
import Datasets

/// A trained model whose decisions a test rewrites where it plants a fault (one patient swapped,
/// every image swapped under noise), while everything else is the model's own.
struct PlantedClassifier: Classifier {
    let base: ResNetV2<Float>
    /// Which images (by their position in the loader) get the other of two classes.
    let swapped: @Sendable (BatchLoader, Int) -> Bool

    var classCount: Int { base.classCount }
    func logits(_ images: Tensor<Float>, threads: Int) -> Tensor<Float> { base.logits(images, threads: threads) }
    func firstNonFinite(_ images: Tensor<Float>) -> String? { nil }
    func embeddings(_ loader: BatchLoader, threads: Int) throws -> DatasetEmbeddings { try base.embeddings(loader, threads: threads) }
    func predictions(_ loader: BatchLoader, threads: Int) throws -> DatasetPredictions {
        let p = try base.predictions(loader, threads: threads)
        var logits = p.logits
        for i in 0..<p.labels.count where swapped(loader, i) { logits.swapAt(2 * i, 2 * i + 1) }
        return DatasetPredictions(logits: logits, labels: p.labels, classes: p.classes)
    }

    /// Every image of `patient` (file names start with it) gets the other class.
    static func wrongOnPatient(_ base: ResNetV2<Float>, _ patient: String) -> PlantedClassifier {
        PlantedClassifier(base: base) { loader, i in loader.samples[i].url.lastPathComponent.hasPrefix(patient + "_") }
    }
}
