import Checks
import Datasets
import Foundation
import Training

extension TrainingPlan {
    /// The training run a spec describes; what the spec leaves out, BiT-HyperRule decides.
    public init(spec: Spec, threads defaultThreads: Int) {
        let t = spec.training
        let split = spec.data.split
        // Safe: the spec parser already enforced positive fractions summing to 1.
        let rule = try! SplitRule(by: split.by, train: split.train, validation: split.validation, test: split.test, seed: split.seed)
        let model: ModelSource
        switch spec.model {
        case .architecture(let a): model = .architecture(a.description)
        case .upstream(let url): model = .checkpoint(url.path)
        }
        self.init(
            data: spec.data.folder, classes: spec.data.classes, groupPattern: split.groupPattern, split: rule, model: model,
            run: t?.run ?? spec.file.deletingLastPathComponent().appendingPathComponent("../runs/\(spec.name)").standardized,
            rule: .init(totalSteps: t?.steps, warmupSteps: t?.warmup, decaySteps: t?.decay, mixupAlpha: t?.mixup,
                        batchSize: t?.batch, baseLearningRate: t?.learningRate, momentum: t?.momentum),
            resize: spec.data.preprocessing.resize, crop: spec.data.preprocessing.crop,
            valueRange: spec.data.preprocessing.valueRange ?? .minusOneToOne,
            horizontalFlip: spec.data.preprocessing.randomHorizontalFlip, verticalFlip: spec.data.preprocessing.randomVerticalFlip,
            transpose: spec.data.preprocessing.randomTranspose,
            microBatchSize: t?.microBatch ?? 32, evaluateEvery: t?.evalEvery ?? 10,
            patience: t == nil ? 10 : t!.patience, checkpointEvery: t?.checkpointEvery ?? 10,
            seed: t?.seed ?? 0, threads: t?.threads ?? defaultThreads)
        unreadable = spec.data.unreadable
    }
}
