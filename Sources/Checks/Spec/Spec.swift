import BiT
import Crypto
import Datasets
import Foundation
import Imaging

/// A `.spec` file, parsed and validated: the model, the data, how to train, and the checks the
/// model must pass. Paths are absolute, resolved against the spec file's folder.
public struct Spec: Sendable, Equatable {
    /// The spec format versions this build understands.
    public static let knownVersions = [1]

    /// The `modelcheck:` format version.
    public var version: Int
    /// Names the run and the golden file; letters, digits, '.', '_' and '-' only.
    public var name: String
    public var description: String?
    public var model: Model
    /// What the trained model's outputs are averaged over (`model.test_time_augmentation`), recorded in the model; nil for none.
    public var testTimeAugmentation: ModelMetadata.TestTimeAugmentation?
    public var data: Data
    /// Absent when the spec only verifies an existing model.
    public var training: Training?
    /// In the order written.
    public var checks: [Check]
    /// Labelled folders the trained model is also judged on (every post-train check runs on each).
    public var evaluation: [EvaluationSet] = []
    /// The spec file itself.
    public var file: URL
    /// Lowercase hex SHA-256 of the file's bytes, to bind results to the exact spec.
    public var sha256: String

    /// The metadata files of the data and of every evaluation set, which the slices were drawn by.
    public var metadataFiles: [URL] { ([data.metadata] + evaluation.map(\.metadata)).compactMap { $0 } }

    /// Where the model comes from.
    public enum Model: Sendable, Equatable {
        /// Train this architecture from scratch.
        case architecture(ResNetV2Architecture)
        /// Fine-tune this checkpoint (a BiT `.npz`).
        case upstream(URL)
    }

    /// Another labelled folder (a new clinic, microscope or stain batch), judged without retraining.
    public struct EvaluationSet: Sendable, Equatable {
        /// How reports name it, and the suffix of its checks' ids (`metric.accuracy@clinic-b`).
        public var name: String
        /// Class subfolders named as the spec's classes.
        public var folder: URL
        /// Names each image's group (patient); defaults to the split's.
        public var groupPattern: String?
        /// A CSV file of per-image attributes (site, microscope, ...) that slices can be drawn by.
        public var metadata: URL?

        /// The name that stands for the spec's own test split wherever checks name the data they run on.
        public static let testSplit = "test"

        public init(name: String, folder: URL, groupPattern: String?, metadata: URL? = nil) {
            (self.name, self.folder, self.groupPattern, self.metadata) = (name, folder, groupPattern, metadata)
        }
    }

    /// The image folder and how it is divided and preprocessed.
    public struct Data: Sendable, Equatable {
        /// One subfolder per class.
        public var folder: URL
        /// Class order (every class folder, once); nil: the folders in byte order.
        public var classes: [String]?
        /// The class binary metrics count as positive (a missed one is a false negative).
        public var positiveClass: String?
        public var unreadable: UnreadableImagePolicy
        public var split: Split
        public var preprocessing: Preprocessing
        /// A CSV file of per-image attributes (site, microscope, ...) that slices can be drawn by.
        public var metadata: URL?

        /// Data settings as parsed.
        public init(folder: URL, classes: [String]? = nil, positiveClass: String? = nil,
                    unreadable: UnreadableImagePolicy = .fail, split: Split, preprocessing: Preprocessing = .init(), metadata: URL? = nil) {
            (self.folder, self.classes, self.positiveClass, self.unreadable) = (folder, classes, positiveClass, unreadable)
            (self.split, self.preprocessing, self.metadata) = (split, preprocessing, metadata)
        }
    }

    /// How images are assigned to train, validation and test.
    public struct Split: Sendable, Equatable {
        public var by: SplitRule.Unit
        /// Regular expression naming an image's group; set exactly when `by` is `.group`.
        public var groupPattern: String?
        /// Positive fractions summing to 1.
        public var train: Double
        public var validation: Double
        public var test: Double
        public var seed: UInt64
        /// Cross-validation by group: `folds` folds fixed by the seed, fold `fold` (from 0) the test
        /// part, `validation` of the images for validation, the rest for training; nil for none.
        public var folds: Int?
        public var fold: Int?

        /// A split as parsed.
        public init(by: SplitRule.Unit, groupPattern: String? = nil, train: Double, validation: Double, test: Double,
                    seed: UInt64 = 0, folds: Int? = nil, fold: Int? = nil) {
            (self.by, self.groupPattern, self.train, self.validation, self.test, self.seed) =
                (by, groupPattern, train, validation, test, seed)
            (self.folds, self.fold) = (folds, fold)
        }

        /// The rule that divides the data.
        public var rule: SplitRule {
            get throws {
                if let folds, let fold { return try SplitRule(folds: folds, fold: fold, validation: validation, seed: seed) }
                return try SplitRule(by: by, train: train, validation: validation, test: test, seed: seed)
            }
        }
    }

    /// Preprocessing overrides; nil sizes and range mean the BiT-HyperRule / checkpoint default.
    public struct Preprocessing: Sendable, Equatable {
        public var resize: Int?
        /// At most `resize` when both are given.
        public var crop: Int?
        public var valueRange: ModelMetadata.ValueRange?
        public var randomHorizontalFlip: Bool
        public var randomVerticalFlip: Bool
        public var randomTranspose: Bool
        /// Colour shifts and corruptions applied to training images, in order; empty for none.
        public var augmentation: [Augmentation]

        /// Preprocessing as parsed; the defaults are BiT's (horizontal flips only, no augmentation).
        public init(resize: Int? = nil, crop: Int? = nil, valueRange: ModelMetadata.ValueRange? = nil,
                    randomHorizontalFlip: Bool = true, randomVerticalFlip: Bool = false, randomTranspose: Bool = false,
                    augmentation: [Augmentation] = []) {
            (self.resize, self.crop, self.valueRange) = (resize, crop, valueRange)
            (self.randomHorizontalFlip, self.randomVerticalFlip, self.randomTranspose) = (randomHorizontalFlip, randomVerticalFlip, randomTranspose)
            self.augmentation = augmentation
        }
    }

    /// Training settings; every nil value falls back to BiT-HyperRule or the trainer's default.
    public struct Training: Sendable, Equatable {
        /// The run folder (an output: it need not exist yet).
        public var run: URL
        public var steps: Int?
        public var batch: Int?
        public var microBatch: Int?
        public var learningRate: Double?
        public var warmup: Int?
        /// Steps at which the learning rate drops tenfold, increasing.
        public var decay: [Int]?
        /// MixUp alpha; 0 turns MixUp off.
        public var mixup: Double?
        /// Label smoothing ε: training targets (1 − ε)·one-hot + ε/classes; nil or 0 for none.
        public var labelSmoothing: Double?
        /// Decay of the weights' exponential moving average (`weight_average`), the model validated and saved; nil for none.
        public var weightAverage: Double?
        public var momentum: Double?
        public var evalEvery: Int?
        /// Evaluations without improvement before stopping.
        public var patience: Patience
        public var checkpointEvery: Int?
        public var seed: UInt64?
        /// nil: all cores.
        public var threads: Int?

        /// Training settings as parsed; what is not given is nil (or `.unset`).
        public init(run: URL, steps: Int? = nil, batch: Int? = nil, microBatch: Int? = nil, learningRate: Double? = nil,
                    warmup: Int? = nil, decay: [Int]? = nil, mixup: Double? = nil, momentum: Double? = nil,
                    evalEvery: Int? = nil, patience: Patience = .unset, checkpointEvery: Int? = nil, seed: UInt64? = nil,
                    threads: Int? = nil) {
            (self.run, self.steps, self.batch, self.microBatch, self.learningRate) = (run, steps, batch, microBatch, learningRate)
            (self.warmup, self.decay, self.mixup, self.momentum, self.evalEvery) = (warmup, decay, mixup, momentum, evalEvery)
            (self.patience, self.checkpointEvery, self.seed, self.threads) = (patience, checkpointEvery, seed, threads)
        }

        /// Early stopping as the spec sets it; the trainer's default stands for `.unset`.
        public enum Patience: Sendable, Equatable {
            /// Not given.
            case unset
            /// Stop after this many evaluations without improvement.
            case after(Int)
            /// `patience: null`: train the whole schedule.
            case off
        }
    }

    /// Which estimate a gate compares with its threshold.
    public enum Bound: String, Sendable, CaseIterable {
        /// The measured value itself.
        case point
        /// The lower end of its confidence interval (a conservative `min`).
        case lower
        /// The upper end (a conservative `max`).
        case upper
    }

    /// What an interval resamples: whole groups (patients) or single images.
    public enum IntervalUnit: String, Sendable, CaseIterable {
        case group, image
    }

    /// A metric a gate or a baseline comparison can name; all lie in [0, 1].
    public enum Metric: String, Sendable, CaseIterable {
        case accuracy
        case balancedAccuracy = "balanced_accuracy"
        case precision
        case recall
        case sensitivity
        case specificity
        case f1
        case falseNegativeRate = "false_negative_rate"
        case falsePositiveRate = "false_positive_rate"
        case rocAUC = "roc_auc"
        case prAUC = "pr_auc"
        case expectedCalibrationError = "expected_calibration_error"
        /// Half the mean Σₖ (pₖ − yₖ)², in [0, 1]: with two classes the binary mean (p_positive − y)².
        case brierScore = "brier_score"

        /// False for error rates, where lower is better (a baseline "drop" is then a rise).
        public var higherIsBetter: Bool {
            switch self {
            case .falseNegativeRate, .falsePositiveRate, .expectedCalibrationError, .brierScore: false
            default: true
            }
        }

        /// True for metrics of the predicted classes, which an operating point's threshold moves;
        /// false for those of the scores alone (the curves' areas, calibration).
        public var dependsOnThreshold: Bool {
            switch self {
            case .rocAUC, .prAUC, .expectedCalibrationError: false
            default: true
            }
        }

        /// True for one-class-against-the-rest metrics, which need `data.positive_class`.
        public var needsPositiveClass: Bool {
            switch self {
            case .accuracy, .balancedAccuracy, .expectedCalibrationError, .brierScore: false
            default: true
            }
        }
    }

    /// An exact image transform as written, e.g. `rotate90+flip_horizontal`: steps applied left to right.
    public struct Transform: Sendable, Equatable {
        /// The text in the spec.
        public var name: String
        public var steps: [ImageTransform]

        /// A transform from its steps; the name is how the spec writes them.
        public init(steps: [ImageTransform]) {
            self.steps = steps
            name = steps.map { Self.spelling[$0] ?? $0.rawValue }.joined(separator: "+")
        }

        /// The single transform the steps amount to.
        public var composed: ImageTransform { steps.reduce(.identity) { $0.then($1) } }

        /// The transform a name like `rotate90+flip_horizontal` writes; nil when a step is unknown.
        public init?(parsing name: String) {
            var steps: [ImageTransform] = []
            for part in name.split(separator: "+", omittingEmptySubsequences: false) {
                guard let step = Self.step(named: part.trimmingCharacters(in: .whitespaces)) else { return nil }
                steps.append(step)
            }
            self.init(steps: steps)
        }

        /// The single step the spec spells `word`.
        public static func step(named word: String) -> ImageTransform? { spelling.first { $0.value == word }?.key }

        /// The spec's snake_case name of each transform a step may be.
        public static let spelling: [ImageTransform: String] = [
            .rotate90: "rotate90", .rotate180: "rotate180", .rotate270: "rotate270",
            .flipHorizontal: "flip_horizontal", .flipVertical: "flip_vertical",
            .transpose: "transpose", .antiTranspose: "anti_transpose",
        ]
    }
}

extension Spec {
    /// Where a spec's run goes when it does not say: `<spec folder>/../runs/<name>`.
    public static func defaultRunFolder(specFolder: URL, name: String) -> URL {
        specFolder.deletingLastPathComponent().appendingPathComponent("runs").appendingPathComponent(name).standardizedFileURL
    }

    /// Reads, parses and validates the spec at `url` against the checks of `catalogue`; with
    /// `checkFiles`, inputs it names (the data folder, an upstream checkpoint, a baseline model
    /// that must exist) are checked to exist, but for the data folder when `otherData` replaces it
    /// (`--data DIR`: the spec's own folder need not be on this machine).
    /// Throws `SpecErrors` listing every problem.
    public static func load(contentsOf url: URL, checkFiles: Bool = true, otherData: Bool = false,
                            catalogue: CheckCatalogue = .standard) throws -> Spec {
        // As given (relative to the working directory when it was), as the user typed it.
        let name = url.relativePath
        let bytes: Foundation.Data
        do {
            bytes = try Foundation.Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot read the spec" : "no such spec file"
            throw SpecErrors([SpecError(file: name, line: 0, column: 0, message: reason)])
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw SpecErrors([SpecError(file: name, line: 0, column: 0, message: "the spec is not UTF-8 text")])
        }
        var parser = SpecParser(file: name, baseDirectory: url.deletingLastPathComponent(), checkFiles: checkFiles, catalogue: catalogue)
        parser.dataFolderReplaced = otherData
        return try parser.parse(text, specFile: url.absoluteURL.standardizedFileURL, sha256: hex(SHA256.hash(data: bytes)))
    }

    /// Parses and validates spec text; `file` names it in messages and relative paths resolve
    /// against `baseDirectory`, where the spec is taken to lie; `sha256` is of the text's UTF-8
    /// bytes; `catalogue` lists the checks it may name. Throws `SpecErrors`.
    public static func parse(_ text: String, file: String, baseDirectory: URL, checkFiles: Bool,
                             catalogue: CheckCatalogue = .standard) throws -> Spec {
        var parser = SpecParser(file: file, baseDirectory: baseDirectory, checkFiles: checkFiles, catalogue: catalogue)
        let specFile = baseDirectory.appendingPathComponent((file as NSString).lastPathComponent).absoluteURL.standardizedFileURL
        return try parser.parse(text, specFile: specFile, sha256: hex(SHA256.hash(data: Array(text.utf8))))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
