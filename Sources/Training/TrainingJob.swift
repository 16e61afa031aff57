import AtomicWrite
import BiT
import Collectives
import Datasets
import Foundation
import Imaging

/// Where a run's starting weights come from.
public enum ModelSource: Codable, Sendable, Equatable {
    /// A fresh network of this architecture (e.g. "R26x0.5"), trained from scratch.
    case architecture(String)
    /// A checkpoint to fine-tune (e.g. BiT-M-R50x1.npz); its head is replaced when the class count differs.
    case checkpoint(String)

    /// The model training starts from, for `classes` outputs.
    public func initialModel(classes: Int, seed: UInt64) throws -> ResNetV2<Float> {
        switch self {
        case .architecture(let name):
            return ResNetV2(architecture: try ResNetV2Architecture(named: name), classes: classes, seed: seed)
        case .checkpoint(let path):
            return try BiTCheckpoint.load(URL(fileURLWithPath: path), classes: classes).model
        }
    }
}

/// Everything a training run needs, before the data has been looked at. Values left nil
/// are chosen by BiT-HyperRule from the training split (its size, its images' size).
public struct TrainingPlan: Codable, Sendable {
    public var data: URL
    /// Class folder order; nil sorts the folder names.
    public var classes: [String]?
    /// Regular expression naming each file's group (patient); nil splits by image.
    public var groupPattern: String?
    public var split: SplitRule
    public var model: ModelSource
    public var run: URL
    /// Schedule overrides on top of the HyperRule for the training split's size.
    public var rule: HyperRule.Overrides
    /// Resize and crop sides; nil takes the HyperRule's from the images' median area.
    public var resize: Int?
    public var crop: Int?
    public var valueRange: ModelMetadata.ValueRange
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var transpose: Bool
    public var microBatchSize: Int
    public var evaluateEvery: Int
    public var patience: Int?
    public var checkpointEvery: Int
    public var seed: UInt64
    public var threads: Int
    /// What to do with images that cannot be decoded or named: stop (the default) or leave them out, listed.
    public var unreadable: UnreadableImagePolicy = .fail
    /// A CSV file of per-image attributes, checked against the images before training starts; nil for none.
    public var metadata: URL?
    /// Colour shifts and corruptions applied to training images (never to evaluation); empty for none.
    public var augmentation: [Augmentation] = []
    /// What the trained model's outputs are averaged over at inference, recorded in its metadata; nil for none.
    public var testTimeAugmentation: ModelMetadata.TestTimeAugmentation?
    /// Label smoothing ε of the training targets; 0 for none.
    public var labelSmoothing = 0.0
    /// Decay of the weights' moving average that is validated and saved; nil for none.
    public var weightAverage: Double?

    /// A plan with BiT's defaults (random horizontal flips, [-1, 1]) and `TrainingOptions.Default`'s.
    public init(data: URL, classes: [String]? = nil, groupPattern: String? = nil, split: SplitRule, model: ModelSource,
                run: URL, rule: HyperRule.Overrides = .init(), resize: Int? = nil, crop: Int? = nil,
                valueRange: ModelMetadata.ValueRange = .minusOneToOne, horizontalFlip: Bool = true, verticalFlip: Bool = false, transpose: Bool = false,
                microBatchSize: Int = TrainingOptions.Default.microBatchSize,
                evaluateEvery: Int = TrainingOptions.Default.evaluateEvery, patience: Int? = TrainingOptions.Default.patience,
                checkpointEvery: Int = TrainingOptions.Default.checkpointEvery, seed: UInt64 = TrainingOptions.Default.seed,
                threads: Int = 2) {
        (self.data, self.classes, self.groupPattern, self.split, self.model, self.run) = (data, classes, groupPattern, split, model, run)
        (self.rule, self.resize, self.crop, self.valueRange) = (rule, resize, crop, valueRange)
        (self.horizontalFlip, self.verticalFlip, self.transpose, self.microBatchSize) = (horizontalFlip, verticalFlip, transpose, microBatchSize)
        (self.evaluateEvery, self.patience, self.checkpointEvery, self.seed, self.threads) = (evaluateEvery, patience, checkpointEvery, seed, threads)
    }
}

extension HyperRule {
    /// Values that replace the HyperRule's; nil keeps the rule's.
    public struct Overrides: Codable, Sendable, Equatable {
        public var totalSteps: Int?
        public var warmupSteps: Int?
        public var decaySteps: [Int]?
        public var mixupAlpha: Double?
        public var batchSize: Int?
        public var baseLearningRate: Double?
        public var momentum: Double?
        /// No overrides.
        public init(totalSteps: Int? = nil, warmupSteps: Int? = nil, decaySteps: [Int]? = nil, mixupAlpha: Double? = nil,
                    batchSize: Int? = nil, baseLearningRate: Double? = nil, momentum: Double? = nil) {
            (self.totalSteps, self.warmupSteps, self.decaySteps, self.mixupAlpha) = (totalSteps, warmupSteps, decaySteps, mixupAlpha)
            (self.batchSize, self.baseLearningRate, self.momentum) = (batchSize, baseLearningRate, momentum)
        }
    }

    /// This rule with the given values replaced.
    public func applying(_ o: Overrides) -> HyperRule {
        HyperRule(totalSteps: o.totalSteps ?? totalSteps, warmupSteps: o.warmupSteps ?? warmupSteps,
                  decaySteps: o.decaySteps ?? decaySteps, mixupAlpha: o.mixupAlpha ?? mixupAlpha,
                  batchSize: o.batchSize ?? batchSize, baseLearningRate: o.baseLearningRate ?? baseLearningRate,
                  momentum: o.momentum ?? momentum)
    }
}

/// A prepared run: the data scanned and split, the recipe resolved, the model built.
public struct TrainingJob {
    public let plan: TrainingPlan
    /// The screened data: under the `skip` policy, images that could not be used are in its `skipped`.
    public let manifest: DatasetManifest
    public let split: DatasetSplit
    public let leakage: LeakageReport
    /// What the metadata file says of each image; nil without one.
    public let attributes: ImageAttributes?
    public let preprocessing: Preprocessing
    public let options: TrainingOptions
    public let metadata: ModelMetadata
    let model: ResNetV2<Float>

    /// Scans and splits the data, refuses a split that leaks, and resolves the recipe.
    public init(_ plan: TrainingPlan) throws {
        self.plan = plan
        // Every image is decoded once before anything trains: a bad file stops the run now
        // (or is left out and listed), not an hour in.
        let data = try PreparedDataset(folder: plan.data, classes: plan.classes, groupPattern: plan.groupPattern,
                                       metadata: plan.metadata, unreadable: plan.unreadable, split: plan.split)
        (manifest, split, leakage, attributes) = (data.manifest, data.split, data.leakage, data.attributes)
        guard !leakage.hasLeakage else {
            throw TrainingError("the split leaks between train, validation and test:\n" + leakage.lines.joined(separator: "\n"))
        }
        let trainCount = split.indices(.train).count
        let rule = HyperRule.forDataset(examples: trainCount).applying(plan.rule)

        var sizes = (plan.resize, plan.crop)
        if sizes.0 == nil || sizes.1 == nil {
            let trainAreas = split.indices(.train).map { data.areas[$0] }.sorted()
            let rule = Preprocessing.hyperRule(imageArea: trainAreas.isEmpty ? 0 : trainAreas[trainAreas.count / 2])
            sizes = (sizes.0 ?? max(rule.resize, sizes.1 ?? 0), sizes.1 ?? min(rule.crop, sizes.0 ?? rule.crop))
        }
        preprocessing = Preprocessing(resize: sizes.0!, crop: sizes.1!, valueRange: plan.valueRange,
                                      randomHorizontalFlip: plan.horizontalFlip, randomVerticalFlip: plan.verticalFlip,
                                      randomTranspose: plan.transpose)
        options = TrainingOptions(rule: rule, microBatchSize: plan.microBatchSize, evaluateEvery: plan.evaluateEvery,
                                  patience: plan.patience, checkpointEvery: plan.checkpointEvery, seed: plan.seed,
                                  threads: plan.threads, cacheImages: trainCount <= 20_000, augmentation: plan.augmentation, labelSmoothing: plan.labelSmoothing,
                                  weightAverage: plan.weightAverage)
        let classes = manifest.classNames.count
        model = try plan.model.initialModel(classes: classes, seed: plan.seed)
        var metadata = ModelMetadata(architecture: model.architecture.description, classNames: manifest.classNames,
                                     resolution: preprocessing.crop, valueRange: plan.valueRange)
        metadata.testTimeAugmentation = plan.testTimeAugmentation
        self.metadata = metadata
        try TrainingMemory(architecture: model.architecture, classes: classes, crop: preprocessing.crop, batch: rule.batchSize,
                           microBatch: plan.microBatchSize, mixup: rule.mixupAlpha > 0)
            .requireFits(in: TrainingMemory.available)
    }

    /// A fresh copy of the model training starts from (checks may train it without touching this job's).
    public func initialModel() throws -> ResNetV2<Float> {
        try ResNetV2(architecture: model.architecture, classes: model.classes, parameters: model.parameters.copy())
    }

    /// The labelled images of one split.
    public func samples(_ part: DatasetSplit.Part) -> [LabeledImage] {
        split.indices(part).map { LabeledImage(url: manifest.url(of: manifest.entries[$0]), label: manifest.entries[$0].label) }
    }

    /// Trains (or resumes), then measures the final model on the test split.
    public func run(resume: Bool, shouldStop: @escaping () -> Bool = { false },
                    observe: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        let folder = RunFolder(plan.run)
        if World.group.isLeader {
            try folder.create()
            try DatasetRecord(manifest: manifest, split: split).write(to: folder.dataset)
        }
        let trainer = try Trainer(model: model, metadata: metadata, preprocessing: preprocessing,
                                  train: samples(.train), validation: samples(.validation), options: options, run: folder)
        let started = Date()
        let (trained, result) = try trainer.train(resume: resume, shouldStop: shouldStop, observe: observe)
        let seconds = Date().timeIntervalSince(started)
        guard !result.interrupted else { return TrainingOutcome(model: trained, training: result, test: nil, seconds: seconds) }
        let testSamples = samples(.test)
        let test = testSamples.isEmpty ? nil : try DatasetPredictions(
            model: trained,
            loader: BatchLoader(samples: testSamples, preprocessing: preprocessing, batchSize: 64, mode: .evaluation, threads: plan.threads),
            threads: plan.threads)
        return TrainingOutcome(model: trained, training: result, test: test, seconds: seconds)
    }
}

/// What a finished (or interrupted) run produced.
public struct TrainingOutcome {
    public let model: ResNetV2<Float>
    public let training: TrainingResult
    /// The final model on the test split; nil when interrupted or there is no test split.
    public let test: DatasetPredictions?
    /// Wall time of training (including validation), seconds.
    public let seconds: Double
}

/// The run's `dataset.json`: which data, which image went where, and which were skipped and why.
struct DatasetRecord: Encodable {
    let fingerprint: String
    let root: String
    let skipped: [DatasetManifest.SkippedImage]
    let classNames: [String]
    let groupPattern: String?
    let split: String
    let counts: [String: [String: Int]]
    let assignment: [String: String]

    init(manifest: DatasetManifest, split: DatasetSplit) {
        fingerprint = manifest.fingerprint
        root = manifest.root
        skipped = manifest.skipped
        classNames = manifest.classNames
        groupPattern = manifest.groupPattern
        self.split = split.rule.map { "\($0)" } ?? "given"
        var counts: [String: [String: Int]] = [:]
        for part in DatasetSplit.Part.allCases {
            counts[part.rawValue] = Dictionary(uniqueKeysWithValues: zip(manifest.classNames, split.classCounts(part)))
        }
        self.counts = counts
        assignment = Dictionary(uniqueKeysWithValues: zip(manifest.entries.map(\.path), split.assignment.map(\.rawValue)))
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.replace(url, with: try encoder.encode(self))
    }
}
