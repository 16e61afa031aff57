import Datasets

/// The images judged data is compared with for drift: the spec's training split. An evaluation set's context shares
/// its spec's, with what was already computed from them (decoded properties, embeddings), so each set does not
/// redo the reference side.
public final class ReferenceImages: Sendable {
    /// The training split's labelled images, in manifest order.
    public let samples: [LabeledImage]
    /// What checks computed from `samples`, by key.
    public let cache = ComputationCache()

    /// A reference of `samples`.
    public init(_ samples: [LabeledImage]) { self.samples = samples }

    /// The training part of `split` over `manifest`.
    public convenience init(trainingOf manifest: DatasetManifest, _ split: DatasetSplit) {
        self.init(split.indices(.train).map { LabeledImage(url: manifest.url(of: manifest.entries[$0]), label: manifest.entries[$0].label) })
    }
}
