import Checks
import Imaging

/// Everything the HTML report shows, computed elsewhere: a report draws and lays out, it never measures.
///
/// Every piece but the result may be empty; the report then says the piece is not available.
public struct ReportInputs: Sendable {
    /// The checks and what they were run on.
    public var result: VerificationResult
    /// The spec's name, shown in the title.
    public var specName: String
    /// The spec's description: the model's intended use, for the model card.
    public var description: String?
    /// `confusion[true][predicted]` counts on the test split.
    public var confusion: [[Int]]
    /// Class names in index order, for the confusion matrix and the split table.
    public var classNames: [String]
    /// ROC curve points, in drawing order.
    public var roc: [(falsePositiveRate: Double, truePositiveRate: Double)]
    /// The area under `roc`, as measured by the checks.
    public var auc: Double?
    /// The training log: any value may be missing at a step (validation runs less often).
    public var trainingCurves: [(step: Int, loss: Double?, validationLoss: Double?, validationAccuracy: Double?)]
    /// Images before and after each transform; only those that changed class are pictured.
    public var invariance: [BeforeAfterImage]
    /// Images before and after a corruption or colour shift (the strongest level that changed
    /// any class), grouped by the check's id.
    public var perturbed: [BeforeAfterImage] = []
    /// One reliability diagram per calibration check; the report has a calibration section only when there is one.
    public var calibration: [ReliabilityFigure]
    /// One figure per drift check on the test split; the report has a drift section only when there is one.
    public var drift: [DriftFigure]
    /// Wrongly classified test images with what was predicted.
    public var misclassified: [(image: RGBImage, caption: String)]
    /// Images per class (in `classNames` order) and groups (patients) in each split.
    public var splitCounts: [(split: String, perClass: [Int], groups: Int)]
    /// Training settings actually used, in display order.
    public var hyperparameters: [(String, String)]
    /// What was certified (spec, model, dataset), as name and hash.
    public var hashes: [(String, String)]
    /// The operating point's threshold the confusion matrix and the misclassified images were
    /// decided at; nil for the arg-max.
    public var threshold: Double?

    /// Inputs for a report on `result`; every other piece defaults to empty.
    public init(
        result: VerificationResult, specName: String, confusion: [[Int]] = [], classNames: [String] = [],
        roc: [(falsePositiveRate: Double, truePositiveRate: Double)] = [], auc: Double? = nil,
        trainingCurves: [(step: Int, loss: Double?, validationLoss: Double?, validationAccuracy: Double?)] = [],
        invariance: [BeforeAfterImage] = [], perturbed: [BeforeAfterImage] = [], calibration: [ReliabilityFigure] = [], misclassified: [(image: RGBImage, caption: String)] = [],
        splitCounts: [(split: String, perClass: [Int], groups: Int)] = [], hyperparameters: [(String, String)] = [],
        hashes: [(String, String)] = [], threshold: Double? = nil, description: String? = nil, drift: [DriftFigure] = []
    ) {
        (self.result, self.specName, self.confusion, self.classNames) = (result, specName, confusion, classNames)
        (self.roc, self.auc, self.trainingCurves, self.invariance) = (roc, auc, trainingCurves, invariance)
        (self.perturbed, self.calibration, self.drift) = (perturbed, calibration, drift)
        (self.misclassified, self.splitCounts, self.hyperparameters, self.hashes) = (misclassified, splitCounts, hyperparameters, hashes)
        (self.threshold, self.description) = (threshold, description)
    }
}
