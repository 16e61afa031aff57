import AtomicWrite
import BiT
import Collectives
import Datasets
import Foundation
import Imaging

/// What the trainer reports while it runs; it never prints (the CLI renders these).
public enum TrainingEvent: Sendable {
    /// Training begins (or resumes) at `step` of `totalSteps`.
    case started(step: Int, totalSteps: Int, resumed: Bool)
    /// A step finished.
    case step(TrainingLogEntry)
    /// A validation pass finished; `improved` when it is the best so far.
    case evaluated(TrainingLogEntry, improved: Bool)
    /// A resumable checkpoint was written after `step` steps.
    case checkpointed(step: Int)
}

/// How a run ended.
public struct TrainingResult: Sendable {
    /// Steps completed.
    public let steps: Int
    /// Why training stopped: "schedule complete", "early stopping", "interrupted".
    public let reason: String
    /// The step whose weights the final model holds.
    public let modelStep: Int
    /// Validation loss and accuracy of the final model, when evaluated.
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// True when the run stopped before its end and can be resumed.
    public var interrupted: Bool { reason == "interrupted" }
}

/// Training that cannot go on: a non-finite loss, or a checkpoint that does not fit.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ message: String) { description = message }
}

/// Fine-tunes a BiT model with the HyperRule: micro-batched SGD with momentum, MixUp, periodic
/// validation with early stopping, and atomic checkpoints from which a killed run resumes
/// bit for bit. On several ranks it trains data-parallel: each rank takes its share of every
/// batch, the gradients are summed over the ranks, every rank holds the same weights, and rank
/// 0 alone writes the run folder.
public final class Trainer {
    public let options: TrainingOptions
    public let metadata: ModelMetadata
    public let run: RunFolder
    let trainLoader: BatchLoader
    let validationLoader: BatchLoader?
    var model: ResNetV2<Float>
    let group: ProcessGroup
    /// The model's backward stages, for summing gradients over the ranks.
    let stages: [[String]]

    /// A trainer for `model` on the given splits. `metadata` (class names, preprocessing) is
    /// saved with every model file.
    public init(model: ResNetV2<Float>, metadata: ModelMetadata, preprocessing: Preprocessing,
                train: [LabeledImage], validation: [LabeledImage], options: TrainingOptions, run: RunFolder,
                group: ProcessGroup = World.group) throws {
        let problems = options.problems
        guard problems.isEmpty else { throw TrainingError("invalid training options: " + problems.joined(separator: "; ")) }
        guard !train.isEmpty else { throw TrainingError("the training split is empty") }
        guard options.rule.batchSize >= 2 * group.size else {
            throw TrainingError("a batch of \(options.rule.batchSize) cannot be shared by \(group.size) ranks: each rank takes whole MixUp pairs, so the batch must be at least \(2 * group.size)")
        }
        self.model = model
        // Validation judges the model as it is saved: with the test-time augmentation it records.
        self.model.averagesSymmetries = metadata.testTimeAugmentation == .symmetries
        self.group = group
        stages = ResNetV2<Float>.backwardStages(model.architecture)
        self.metadata = metadata
        self.options = options
        self.run = run
        trainLoader = BatchLoader(samples: train, preprocessing: preprocessing, batchSize: options.rule.batchSize,
                                  mode: .training(seed: options.seed, augmentation: options.augmentation), cacheImages: options.cacheImages, threads: options.threads,
                                  share: BatchShare(rank: group.rank, ranks: group.size))
        validationLoader = validation.isEmpty ? nil
            : BatchLoader(samples: validation, preprocessing: preprocessing, batchSize: max(options.microBatchSize, 32),
                          mode: .evaluation, cacheImages: options.cacheImages, threads: options.threads)
    }

    /// Trains to the end of the schedule, early stopping, or `shouldStop()` (checked after each
    /// step; a checkpoint is written before returning). With `resume`, continues from the run
    /// folder's checkpoint. Returns the final model, also written to the run folder.
    public func train(resume: Bool, shouldStop: @escaping () -> Bool = { false },
                      observe: (TrainingEvent) -> Void = { _ in }) throws -> (model: ResNetV2<Float>, result: TrainingResult) {
        let lead = group.isLeader
        if lead { try run.create() }
        let rule = options.rule
        var sgd = SGD<Float>(momentum: Float(rule.momentum))
        var stopping = EarlyStopping(patience: options.patience)
        var best: ParameterSet<Float>?
        // With a weight average, the average is the model that is validated, kept as best and saved.
        var average = options.weightAverage.map { _ in model.parameters.copy() }
        var step = 0
        var log: [TrainingLogEntry] = []

        if resume, FileManager.default.fileExists(atPath: run.checkpoint.path) {
            let saved = try TrainingCheckpoint.read(from: run.checkpoint, expecting: ResNetV2<Float>.parameterShapes(model.architecture, classes: model.classes))
            guard saved.state.options == options else {
                throw TrainingError("\(run.checkpoint.path) was written with other training options; resume with the same spec and --threads, or start a new run")
            }
            model = try model.replacingParameters(saved.parameters)
            sgd = SGD(momentum: Float(rule.momentum), velocity: saved.velocity)
            best = saved.best
            if average != nil {
                guard let saved = saved.average else { throw TrainingError("\(run.checkpoint.path) has no weight average to resume") }
                average = try model.replacingParameters(saved).parameters
            }
            stopping = saved.state.earlyStopping
            step = saved.state.step
            log = try run.readLog().filter { $0.step <= step }
            if lead { try run.writeLog(log) }
        } else if lead {
            try run.writeLog([])
            try writeHyperparameters()
        }
        observe(.started(step: step, totalSteps: rule.totalSteps, resumed: resume && step > 0))

        var reason = "schedule complete"
        while step < rule.totalSteps && !stopping.shouldStop {
            let started = DispatchTime.now().uptimeNanoseconds
            let lr = rule.learningRate(at: step)
            group.setPhase("step \(step + 1)")
            let batch = try trainLoader.batch(step)
            let loss = try applyStep(batch, step: step, sgd: &sgd, learningRate: lr)
            if let average, let decay = options.weightAverage {
                WeightAverage.update(average, toward: model.parameters, decay: WeightAverage.decay(decay, afterSteps: step))
            }
            step += 1
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let entry = TrainingLogEntry(step: step, loss: loss, learningRate: lr, imagesPerSecond: Double(rule.batchSize) / seconds)
            if lead { try run.append(entry) }
            log.append(entry)
            observe(.step(entry))

            if step % options.evaluateEvery == 0 || step == rule.totalSteps, let validationLoader {
                group.setPhase("validation after step \(step)")
                let judged = judgedModel(average)
                let predictions = try DatasetPredictions(model: judged, loader: validationLoader, threads: options.threads, group: group)
                let eval = TrainingLogEntry(step: step, validationLoss: predictions.meanLoss, validationAccuracy: predictions.accuracy)
                let improved = stopping.record(loss: predictions.meanLoss, step: step)
                if improved {
                    best = judged.parameters.copy()
                    if lead { try BiTCheckpoint.save(judged, metadata: metadata, to: run.best) }
                }
                if lead { try run.append(eval) }
                log.append(eval)
                observe(.evaluated(eval, improved: improved))
            }
            // Every rank stops after the same step when any rank was asked to.
            var interrupted = shouldStop()
            if group.size > 1 { interrupted = try group.sum([interrupted ? 1 : 0], what: "stop request")[0] > 0 }
            if step % options.checkpointEvery == 0 || step == rule.totalSteps || stopping.shouldStop || interrupted {
                try checkpoint(step: step, sgd: sgd, best: best, average: average, stopping: stopping, finished: nil)
                observe(.checkpointed(step: step))
            }
            if interrupted && step < rule.totalSteps && !stopping.shouldStop {
                reason = "interrupted"
                break
            }
        }
        if stopping.shouldStop { reason = "early stopping" }

        var modelStep = step
        if reason != "interrupted" {
            // restore_best_weights: the final model is the one with the lowest validation loss.
            if options.patience != nil, let best, let bestStep = stopping.bestStep {
                model = try model.replacingParameters(best.copy())
                modelStep = bestStep
            } else if let average {
                model = try model.replacingParameters(average.copy())
            }
            try checkpoint(step: step, sgd: sgd, best: best, average: average, stopping: stopping, finished: reason)
            if lead {
                try BiTCheckpoint.save(model, metadata: metadata, to: run.model)
                try TrainingCurves.write(log, to: run)
            }
        }
        let finalEval = log.last { $0.step == modelStep && $0.validationLoss != nil }
        return (model, TrainingResult(steps: step, reason: reason, modelStep: modelStep,
                                      validationLoss: finalEval?.validationLoss, validationAccuracy: finalEval?.validationAccuracy))
    }

    /// One optimiser step: MixUp and label smoothing, gradients accumulated over micro-batches (and summed over the
    /// ranks), SGD update. Returns the batch's mean loss.
    func applyStep(_ batch: Batch, step: Int, sgd: inout SGD<Float>, learningRate: Double) throws -> Double {
        // This rank's part of the batch (training batches are always whole); the loss is a mean over the whole batch.
        let n = batch.labels.count, whole = options.rule.batchSize
        var targets: ResNetV2<Float>.Targets<Float>
        if options.rule.mixupAlpha > 0 {
            let lambda = MixUp.lambda(alpha: options.rule.mixupAlpha, seed: options.seed, step: step)
            targets = .soft(MixUp.mix(batch.images, labels: batch.labels, classes: model.classes, lambda: lambda))
        } else {
            targets = .labels(batch.labels)
        }
        if options.labelSmoothing > 0 { targets = .soft(LabelSmoothing.apply(targets, epsilon: options.labelSmoothing, classes: model.classes)) }
        // Standardise the kernels once per step; the micro-batches' gradients with respect to
        // the standardised kernels add up and are mapped back to the raw kernels once.
        let kernels = model.standardizedKernels(threads: options.threads,
                                                trainingOn: [min(options.microBatchSize, n)] + batch.images.shape.dropFirst())
        // On several ranks the gradients' sum over the ranks starts while the last micro-batch's
        // backward pass still runs, a bucket of stages at a time.
        let summing = group.size > 1 ? GradientSum(stages: stages, sizedAs: model.parameters, group: group) : nil
        var total: ParameterSet<Float>?
        var loss = 0.0
        let ranges = stride(from: 0, to: n, by: options.microBatchSize).map { $0..<min($0 + options.microBatchSize, n) }
        for (i, range) in ranges.enumerated() {
            let part: ResNetV2<Float>.Targets<Float>
            switch targets {
            case .labels(let labels): part = .labels(Array(labels[range]))
            case .soft(let t): part = .soft(t.slice(range))
            }
            let images = range.count == n ? batch.images : batch.images.slice(range)
            var ready: (@Sendable (Int, ParameterSet<Float>) -> Void)?
            if let summing, i == ranges.count - 1 {
                let earlier = total, names = stages
                ready = { stage, g in
                    // The earlier micro-batches' sum takes this stage's gradients first, as accumulate would.
                    if let earlier { for name in names[stage] { earlier.tensor(name).add(g.tensor(name)) } }
                    summing.stageReady(stage, earlier ?? g)
                }
            }
            let (l, g) = model.lossAndStandardizedGradients(images, targets: part, normalizer: whole, threads: options.threads,
                                                             kernels: kernels, stageReady: ready)
            loss += Double(l)
            if ready == nil, let total { total.accumulate(g, threads: options.threads) } else if total == nil { total = g }
        }
        guard var gradients = total else { throw TrainingError("step \(step + 1) has no images") }
        if let summing {
            try summing.finish()
            loss = try group.sum([loss], what: "loss sum")[0]
        }
        guard loss.isFinite else {
            throw TrainingError("the loss became \(loss) at step \(step + 1); the last good checkpoint (\(run.checkpoint.path)) is kept. Lower the learning rate or check the data.")
        }
        kernels.rawGradients(&gradients, threads: options.threads)
        sgd.step(model.parameters, gradients: gradients, learningRate: Float(learningRate), threads: options.threads)
        return loss
    }

    /// The model as validation judges it: the live weights, or their average when the run keeps one.
    func judgedModel(_ average: ParameterSet<Float>?) -> ResNetV2<Float> {
        guard let average else { return model }
        var judged = model
        judged.parameters = average
        return judged
    }

    func checkpoint(step: Int, sgd: SGD<Float>, best: ParameterSet<Float>?, average: ParameterSet<Float>?, stopping: EarlyStopping,
                    finished: String?) throws {
        // A diverging update can overflow the weights before the loss shows it; never let
        // such weights replace the last good checkpoint.
        for name in model.parameters.names where !model.parameters.tensor(name).array.allSatisfy(\.isFinite) {
            throw TrainingError("the weights became non-finite by step \(step) (\(name)); the last good checkpoint (\(run.checkpoint.path)) is kept. Lower the learning rate or check the data.")
        }
        if group.size > 1 {
            try group.requireAgreement([(what: "weights after step \(step) (FNV-1a)", value: model.parameters.fingerprint)])
        }
        guard group.isLeader else { return }
        let state = TrainingCheckpoint.State(step: step, earlyStopping: stopping, finished: finished, options: options)
        try TrainingCheckpoint(parameters: model.parameters, velocity: sgd.velocity, best: best, average: average, state: state, metadata: metadata)
            .write(to: run.checkpoint)
    }

    func writeHyperparameters() throws {
        struct Record: Encodable {
            let options: TrainingOptions
            let architecture: String
            let classes: [String]
            let resolution: Int
            let valueRange: String
            let testTimeAugmentation: String
            let trainingImages: Int
            let validationImages: Int
            let learningRateSchedule: [String: Double]
        }
        let rule = options.rule
        let marks = Set([0, rule.warmupSteps] + rule.decaySteps.map { $0 + 1 } + [rule.totalSteps - 1]).filter { $0 < rule.totalSteps }.sorted()
        let record = Record(options: options, architecture: metadata.architecture, classes: metadata.classNames,
                            resolution: metadata.resolution, valueRange: metadata.valueRange.rawValue,
                            testTimeAugmentation: metadata.testTimeAugmentation?.rawValue ?? "none",
                            trainingImages: trainLoader.samples.count, validationImages: validationLoader?.samples.count ?? 0,
                            learningRateSchedule: Dictionary(uniqueKeysWithValues: marks.map { ("step \($0)", rule.learningRate(at: $0)) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.replace(run.hyperparameters, with: try encoder.encode(record))
    }
}
