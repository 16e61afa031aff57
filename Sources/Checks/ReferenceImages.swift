import Datasets

/// The images judged data is compared with for drift: the spec's training split. An evaluation set's context shares
/// its spec's, with what was already computed from them (decoded properties, embeddings), so each set does not
/// redo the reference side.
public final class ReferenceImages: Sendable {
    /// The training split's labelled images, in manifest order.
    public let samples: [LabeledImage]
    /// The group (patient) of each sample, parallel to `samples`; nil when the data has no group pattern.
    public let groups: [String]?
    /// What checks computed from `samples`, by key.
    public let cache = ComputationCache()

    /// A reference of `samples`, with their groups when known.
    public init(_ samples: [LabeledImage], groups: [String]? = nil) { (self.samples, self.groups) = (samples, groups) }

    /// The training part of `split` over `manifest`.
    public convenience init(trainingOf manifest: DatasetManifest, _ split: DatasetSplit) {
        let entries = split.indices(.train).map { manifest.entries[$0] }
        let groups = entries.compactMap(\.group)
        self.init(entries.map { LabeledImage(url: manifest.url(of: $0), label: $0.label) },
                  groups: groups.count == entries.count ? groups : nil)
    }
}
