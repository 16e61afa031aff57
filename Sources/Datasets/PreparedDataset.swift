import Collectives
import Foundation

/// A labelled image folder made ready for training or evaluation: scanned, every image decoded
/// once (a bad one stops here or is left out and listed), split, and the split checked for
/// leakage. Training and verification both start from it, so a check looks at the same images
/// whether the trainer ran or not.
public struct PreparedDataset: Sendable {
    /// The images kept, with the files skipped.
    public let manifest: DatasetManifest
    public let split: DatasetSplit
    /// Groups and byte-identical images in more than one part of the split.
    public let leakage: LeakageReport
    /// Each manifest entry's pixel area, for BiT-HyperRule's choice of resolution.
    public let areas: [Int]
    /// The group pattern the manifest's groups came from.
    public let groupPattern: GroupPattern?
    /// What the folder's metadata file says of each image, checked to describe exactly its images; nil without one.
    public let attributes: ImageAttributes?

    /// `folder` split by `rule`; `classes` fixes the class order; `metadata` is its per-image attributes file, if any.
    public init(folder: URL, classes: [String]?, groupPattern: String?, metadata: URL? = nil, unreadable: UnreadableImagePolicy,
                split rule: SplitRule) throws {
        let pattern = try groupPattern.map { try GroupPattern($0) }
        let screened = try unreadable.screen(try ImageFolder.scan(folder, classes: classes, groupPattern: pattern))
        // A classifier of one class learns nothing and would pass every check.
        guard screened.manifest.classNames.count >= 2 else {
            throw DatasetError.tooFewClasses(root: screened.manifest.root, found: screened.manifest.classNames)
        }
        let split = try DatasetSplit(screened.manifest, rule: rule)
        try self.init(screened.manifest, split: split, areas: screened.areas, groupPattern: pattern, metadata: metadata)
    }

    /// `folder` evaluated whole, as an evaluation set: every image is in the test part. Its class
    /// folders must be exactly `classes` (a missing or extra one is an error naming it).
    public init(evaluating folder: URL, classes: [String], groupPattern: String?, metadata: URL? = nil,
                unreadable: UnreadableImagePolicy) throws {
        let pattern = try groupPattern.map { try GroupPattern($0) }
        let screened = try unreadable.screen(try ImageFolder.scan(folder, classes: classes, groupPattern: pattern))
        let split = try DatasetSplit(screened.manifest, assignment: Array(repeating: .test, count: screened.manifest.entries.count))
        try self.init(screened.manifest, split: split, areas: screened.areas, groupPattern: pattern, metadata: metadata)
    }

    private init(_ manifest: DatasetManifest, split: DatasetSplit, areas: [Int], groupPattern: GroupPattern?, metadata: URL?) throws {
        (self.manifest, self.split, self.areas, self.groupPattern) = (manifest, split, areas, groupPattern)
        // Ranks of one job must see the same images: another copy of the folder would train or judge garbage together.
        try World.group.requireAgreement([(what: "data in \(manifest.root) (fingerprint)", value: manifest.fingerprint)])
        attributes = try metadata.map { file in
            let attributes = try ImageAttributes(contentsOf: file)
            try attributes.require(describing: manifest)
            return attributes
        }
        leakage = try LeakageReport(manifest, split: split, groupPattern: groupPattern)
    }

    /// The labelled images of one part of the split.
    public func samples(_ part: DatasetSplit.Part) -> [LabeledImage] {
        split.indices(part).map { LabeledImage(url: manifest.url(of: manifest.entries[$0]), label: manifest.entries[$0].label) }
    }
}
