import Checks
import Datasets
import Foundation
import Training

extension TrainingPlan {
    /// The training run a spec describes; what the spec leaves out, BiT-HyperRule decides.
    public init(spec: Spec, threads defaultThreads: Int) throws {
        let t = spec.training
        let split = spec.data.split
        // The spec parser already refuses fractions that do not make a split; this only repeats it.
        let rule = try split.rule
        let model: ModelSource
        switch spec.model {
        case .architecture(let a): model = .architecture(a.description)
        case .upstream(let url): model = .checkpoint(url.path)
        }
        self.init(
            data: spec.data.folder, classes: spec.data.classes, groupPattern: split.groupPattern, split: rule, model: model,
            run: TrainingPlanDefaults.runFolder(spec),
            rule: .init(totalSteps: t?.steps, warmupSteps: t?.warmup, decaySteps: t?.decay, mixupAlpha: t?.mixup,
                        batchSize: t?.batch, baseLearningRate: t?.learningRate, momentum: t?.momentum),
            resize: spec.data.preprocessing.resize, crop: spec.data.preprocessing.crop,
            valueRange: spec.data.preprocessing.valueRange ?? .minusOneToOne,
            horizontalFlip: spec.data.preprocessing.randomHorizontalFlip, verticalFlip: spec.data.preprocessing.randomVerticalFlip,
            transpose: spec.data.preprocessing.randomTranspose,
            microBatchSize: t?.microBatch ?? TrainingOptions.Default.microBatchSize,
            evaluateEvery: t?.evalEvery ?? TrainingOptions.Default.evaluateEvery, patience: Self.patience(t?.patience ?? .unset),
            checkpointEvery: t?.checkpointEvery ?? TrainingOptions.Default.checkpointEvery,
            seed: t?.seed ?? TrainingOptions.Default.seed, threads: t?.threads ?? defaultThreads)
        unreadable = spec.data.unreadable
        metadata = spec.data.metadata
        augmentation = spec.data.preprocessing.augmentation
        testTimeAugmentation = spec.testTimeAugmentation
        labelSmoothing = t?.labelSmoothing ?? 0
        weightAverage = t?.weightAverage
    }

    /// Evaluations without improvement before stopping; nil for none.
    private static func patience(_ setting: Spec.Training.Patience) -> Int? {
        switch setting {
        case .unset: TrainingOptions.Default.patience
        case .after(let evaluations): evaluations
        case .off: nil
        }
    }
}
