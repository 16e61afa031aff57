import BiT
import Datasets
import Foundation
import Imaging

/// What checks look at: the model under test, the model training would start from, and the
/// data with its split. Predictions are computed once and shared between checks.
public final class CheckContext: @unchecked Sendable {
    /// The model being verified (trained).
    public let model: any Classifier
    public let metadata: ModelMetadata
    /// Builds the model a training run starts from (fresh or freshly loaded), for pre-train checks.
    public let initialModel: () throws -> any TrainableClassifier
    /// Reads another model file (a baseline to compare with).
    public let loadModel: (URL) throws -> any Classifier
    public let manifest: DatasetManifest
    public let split: DatasetSplit
    /// What the data's metadata file says of each image (site, microscope, ...); nil without one.
    public let attributes: ImageAttributes?
    /// Evaluation preprocessing (resize to the crop side, value range).
    public let preprocessing: Preprocessing
    /// The class binary metrics treat as positive (e.g. Parasitized: a missed infection is a false negative).
    public let positiveClass: Int
    public let threads: Int
    /// True under CI (`CI=true`): goldens are never recorded, a missing one fails.
    public let isCI: Bool
    /// The training images judged data is compared with (drift): this split's own training part, or, in a context
    /// made by `judging`, the training part of the spec's split.
    public let reference: ReferenceImages
    /// Results checks and reports share on this context's data (beyond predictions), by key.
    public let cache = ComputationCache()
    /// The data's images decoded once for every check and report (up to 1 GiB of pixels: a 5,000-image test
    /// split of 130² cells takes 250 MB).
    public let decodedImages = DecodedImageStore(budgetBytes: 1 << 30)

    private let lock = NSLock()
    private var predictionCache: [String: DatasetPredictions] = [:]
    private var publishedOperatingPoint: OperatingPoint?
    private var publishedTemperature: CalibrationTemperature?

    /// The threshold the binary metrics are decided at: the model file's, then the one an
    /// `operating_point` check chose; nil for neither (the arg-max decides).
    public var operatingPoint: OperatingPoint? {
        get { lock.withLock { publishedOperatingPoint } }
        set { lock.withLock { publishedOperatingPoint = newValue } }
    }

    /// The calibration temperature T that probabilities are judged at on data without a validation
    /// split to fit one (an evaluation set): the model file's, then the one a `calibration` check fitted.
    public var temperature: CalibrationTemperature? {
        get { lock.withLock { publishedTemperature } }
        set { lock.withLock { publishedTemperature = newValue } }
    }

    /// A context over the given model and data.
    public init(model: any Classifier, metadata: ModelMetadata, initialModel: @escaping () throws -> any TrainableClassifier,
                loadModel: @escaping (URL) throws -> any Classifier, manifest: DatasetManifest, split: DatasetSplit,
                preprocessing: Preprocessing, positiveClass: Int, threads: Int, isCI: Bool, attributes: ImageAttributes? = nil,
                reference: ReferenceImages? = nil) {
        (self.model, self.metadata, self.initialModel, self.loadModel) = (model, metadata, initialModel, loadModel)
        (self.manifest, self.split, self.attributes) = (manifest, split, attributes)
        self.reference = reference ?? ReferenceImages(trainingOf: manifest, split)
        (self.preprocessing, self.positiveClass, self.threads, self.isCI) = (preprocessing, positiveClass, threads, isCI)
        publishedOperatingPoint = Self.storedOperatingPoint(metadata, positive: positiveClass)
        publishedTemperature = metadata.temperature.map { CalibrationTemperature($0, setBy: "stored in the model") }
    }

    /// The same model judged on other data (an evaluation set), deciding at this context's
    /// operating point and temperature: both are chosen once, on the validation split, not on each set.
    /// Its drift reference stays this context's training images.
    public func judging(_ manifest: DatasetManifest, split: DatasetSplit, attributes: ImageAttributes?) -> CheckContext {
        let other = CheckContext(model: model, metadata: metadata, initialModel: initialModel, loadModel: loadModel, manifest: manifest,
                                 split: split, preprocessing: preprocessing, positiveClass: positiveClass, threads: threads, isCI: isCI,
                                 attributes: attributes, reference: reference)
        other.operatingPoint = operatingPoint
        other.temperature = temperature
        return other
    }

    /// The threshold the model file stores, which `predict` applies, so that the metrics judge
    /// the model as it decides until an `operating_point` check chooses again; unavailable when it
    /// applies to another class than the spec's positive one.
    static func storedOperatingPoint(_ metadata: ModelMetadata, positive: Int) -> OperatingPoint? {
        guard let threshold = metadata.threshold else { return nil }
        let setBy = "stored in the model"
        let spec = metadata.classNames.indices.contains(positive) ? metadata.classNames[positive] : "class \(positive)"
        guard metadata.positiveClass == spec else {
            return .unavailable("the model's threshold applies to the \(metadata.positiveClass ?? "(unnamed)") probability, "
                + "the spec's positive class is \(spec)", setBy: setBy)
        }
        return .threshold(threshold, setBy: setBy)
    }

    /// The labelled images of one split, in manifest order.
    public func samples(_ part: DatasetSplit.Part) -> [LabeledImage] {
        split.indices(part).map { LabeledImage(url: manifest.url(of: manifest.entries[$0]), label: manifest.entries[$0].label) }
    }

    /// The group (patient) of each of one split's images, parallel to `samples(part)`; nil when
    /// the data has no group pattern.
    public func groups(_ part: DatasetSplit.Part) -> [String]? {
        let groups = split.indices(part).map { manifest.entries[$0].group }
        return groups.allSatisfy { $0 != nil } ? groups.compactMap { $0 } : nil
    }

    /// The slice each of one split's images is in, parallel to `samples(part)`: its group for
    /// `patient` or `group`, else its value in that metadata column; nil when the data has neither.
    public func sliceLabels(by name: String, _ part: DatasetSplit.Part) -> [String]? {
        if SliceTable.byGroup.contains(name) { return groups(part) }
        return attributes?.values(name, of: paths(part))
    }

    /// Manifest paths of one split's images, parallel to `samples(part)`.
    public func paths(_ part: DatasetSplit.Part) -> [String] { split.indices(part).map { manifest.entries[$0].path } }

    /// The model's predictions on a split, optionally with every image rotated or flipped, or
    /// perturbed (noise drawn with `seed`); cached.
    public func predictions(_ part: DatasetSplit.Part, transform: ImageTransform = .identity, perturbation: ImagePerturbation? = nil,
                            seed: UInt64 = 0, model other: (any Classifier)? = nil, key: String = "model") throws -> DatasetPredictions {
        let mode: BatchLoader.Mode = perturbation.map { .perturbed($0, seed: seed) }
            ?? (transform == .identity ? .evaluation : .transformed(transform))
        let modeName = perturbation.map { "\($0)/seed \(seed)" } ?? transform.rawValue
        let cacheKey = "\(key)/\(part.rawValue)/\(modeName)"
        if let hit = lock.withLock({ predictionCache[cacheKey] }) { return hit }
        // An empty split (a class folder with no images, a tiny data set) predicts nothing; each
        // check then gives its `on_empty` verdict.
        guard !samples(part).isEmpty else { return DatasetPredictions(logits: [], labels: [], classes: (other ?? model).classCount) }
        let loader = BatchLoader(samples: samples(part), preprocessing: preprocessing, batchSize: 64, mode: mode, decoded: decodedImages,
                                 threads: threads)
        let result = try (other ?? model).predictions(loader, threads: threads)
        // Statistics assume real numbers; a NaN model is a finding for the check, not a trap inside it.
        let k = max(result.classes, 1)
        let bad = (0..<result.labels.count).filter { i in !(0..<k).allSatisfy { result.logits[i * k + $0].isFinite } }
        if let first = bad.first {
            let one = BatchLoader(samples: [samples(part)[first]], preprocessing: preprocessing, batchSize: 1, mode: mode, threads: 1)
            let origin = try (other ?? model).firstNonFinite(one.batch(0).images)
            let on = transform == .identity && perturbation == nil ? "\(part.rawValue) split" : "\(part.rawValue) split, \(modeName)"
            throw NonFiniteOutputs(model: key, on: on, count: bad.count, total: result.labels.count, firstImage: paths(part)[first], origin: origin)
        }
        lock.withLock { predictionCache[cacheKey] = result }
        return result
    }

    /// Up to `count` images of a split as one evaluation batch, taken class by class in turn
    /// (manifest order within a class), so a small sample still holds every class.
    public func batch(_ part: DatasetSplit.Part, count: Int) throws -> (images: Tensor<Float>, labels: [Int], paths: [String]) {
        let all = samples(part), allPaths = paths(part)
        guard !all.isEmpty else { throw EmptySplit(part: part) }
        var queues = (0..<manifest.classNames.count).map { c in all.indices.filter { all[$0].label == c } }
        var chosen: [Int] = []
        while chosen.count < min(count, all.count) {
            for c in queues.indices where !queues[c].isEmpty && chosen.count < count { chosen.append(queues[c].removeFirst()) }
        }
        let loader = BatchLoader(samples: chosen.map { all[$0] }, preprocessing: preprocessing, batchSize: max(chosen.count, 1),
                                 mode: .evaluation, decoded: decodedImages, threads: threads)
        let b = try loader.batch(0)
        return (b.images, b.labels, chosen.map { allPaths[$0] })
    }
}
