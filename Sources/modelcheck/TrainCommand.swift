import ArgumentParser
import BiT
import Checks
import Collectives
import Datasets
import Foundation
import Pipeline
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune or train a BiT model with BiT-HyperRule, from a spec or an image folder.",
        discussion: """
            `modelcheck train SPEC` trains what the spec describes (data, split, recipe, run folder); \
            `train SPEC --data DIR` does the same on another folder with the spec's classes. \
            Without a spec, --data DIR names a folder with one subfolder per class. The data is split into train/validation/test \
            (by group when --group-pattern names one, e.g. the patient), the HyperRule picks \
            the schedule from the training split's size and the resolution from its images' \
            size, and every value can be overridden. The run folder gets the model (official \
            BiT npz), the best checkpoint, a resumable checkpoint, log.jsonl, the resolved \
            hyper-parameters, the dataset fingerprint and split, and loss/accuracy plots.

            Ctrl-C stops after the current step and writes a checkpoint; --resume continues a \
            stopped or killed run and ends with the same weights as an uninterrupted one.

            Example (the embedded default, from scratch on the shipped malaria sample):
              modelcheck train --data Specs/data/malaria-sample --group-pattern '^(C[0-9]+)' \\
                --model R14x0.5 --resize 72 --crop 64 --flip-vertical --steps 600 --batch 64
            """)

    @Argument(help: "A spec file; its data, split and training recipe are used.") var spec: String?
    @Option(help: "Image folder with one subfolder per class (with a spec: instead of the spec's folder).") var data: String?
    @Option(help: "Architecture to train from scratch (R50x1, R26x0.5, ...) or a checkpoint .npz to fine-tune.") var model = "R50x1"
    @Option(name: .customLong("run"), help: "Run folder (default: runs/<data folder name>).") var runFolder: String?
    @Option(help: "Class folder order, comma-separated (default: sorted names).") var classes: String?
    @Option(help: "Regular expression over file names whose first group names the group (patient), e.g. '^(C[0-9]+)'.") var groupPattern: String?
    @Option(help: "Train,validation,test fractions.") var split = "0.8,0.1,0.1"
    @Option(help: "Seed for the split, data order, augmentation and MixUp.") var seed: UInt64 = TrainingOptions.Default.seed
    @Option(help: "Optimiser steps (HyperRule: 500 / 10k / 20k by dataset size).") var steps: Int?
    @Option(help: "Images per step (HyperRule: 512).") var batch: Int?
    @Option(help: "Base learning rate (HyperRule: 0.003).") var lr: Double?
    @Option(help: "Warm-up steps (HyperRule: 100 / 500).") var warmup: Int?
    @Option(help: "Steps after which the learning rate drops ÷10, comma-separated.") var decay: String?
    @Option(help: "MixUp alpha; 0 disables (HyperRule: 0.1 from 20k images).") var mixup: Double?
    @Option(help: "Side to resize training images to (HyperRule: 160 or 512).") var resize: Int?
    @Option(help: "Side of the random crop and of evaluation images (HyperRule: 128 or 480).") var crop: Int?
    @Option(help: "Input value range: [-1,1] (official checkpoints) or [0,1].") var valueRange = "[-1,1]"
    @Flag(help: "Also flip training images top-bottom at random.") var flipVertical = false
    @Flag(help: "Do not flip training images left-right.") var noFlipHorizontal = false
    @Flag(help: "Also transpose training images at random (with both flips: all 8 symmetries of the square).") var transpose = false
    @Option(help: "Colour shifts and corruptions to augment training images with, comma-separated, each with its default range or maximum severity and p 0.5 (docs/robustness.md), e.g. stain_intensity,hue_rotation,gaussian_blur.") var augment: String?
    @Option(help: "Label smoothing ε: targets (1 − ε)·label + ε/classes; 0 disables.") var labelSmoothing: Double?
    @Option(help: "Decay of an exponential moving average of the weights, in (0, 1), e.g. 0.999: validation judges it and the model file is it (default: none).") var weightAverage: Double?
    @Option(help: "The model's outputs at test time: none, or symmetries (the mean over the square's 8 rotations and mirrors: 8 passes per image, recorded in the model).") var testTimeAugmentation = "none"
    @Option(help: "Images per forward/backward pass (gradients accumulate to --batch).") var microBatch = TrainingOptions.Default.microBatchSize
    @Option(help: "Validate every this many steps.") var evalEvery = TrainingOptions.Default.evaluateEvery
    @Option(help: "Early-stopping patience in evaluations (0: train the whole schedule).") var patience = TrainingOptions.Default.patience
    @Option(help: "Checkpoint every this many steps.") var checkpointEvery = TrainingOptions.Default.checkpointEvery
    @Option(help: "Worker threads (bit-identical results need the same count).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Images that cannot be decoded, or whose name is not UTF-8: fail (stop) or skip (leave out, listed).") var unreadable: UnreadableImagePolicy = .fail
    @Flag(help: "Continue the run folder's checkpoint.") var resume = false
    @Option(help: "With a spec whose split has folds: this fold is the test part (default: the spec's `fold`).") var fold: Int?
    @OptionGroup var distributed: DistributedOptions

    func validate() throws {
        if fold != nil && spec == nil { throw ValidationError("--fold chooses a fold of a spec's cross-validation split; give the spec") }
        if spec != nil, let flag = recipeFlagsGiven.first {
            throw ValidationError("\(flag) sets the recipe of training without a spec; with a spec, its training and data sections do (edit the spec)")
        }
        try ThreadCount.validate(threads)
        // The same ranges a spec's training section has.
        let ranges: [(String, Int?, ClosedRange<Int>)] = [
            ("--steps", steps, 1...SpecLimits.steps), ("--batch", batch, 1...SpecLimits.batch),
            ("--micro-batch", microBatch, 1...(batch ?? SpecLimits.batch)), ("--resize", resize, 8...SpecLimits.imageSide),
            ("--crop", crop, 8...SpecLimits.imageSide), ("--eval-every", evalEvery, 1...Int.max),
            ("--checkpoint-every", checkpointEvery, 1...Int.max), ("--warmup", warmup, 0...Int.max),
        ]
        if let e = labelSmoothing, !(0..<1).contains(e) { throw ValidationError("--label-smoothing must be in [0, 1), got \(e)") }
        if let d = weightAverage, !(d > 0 && d < 1) { throw ValidationError("--weight-average must be in (0, 1), got \(d)") }
        // The spec's choices: none, then every setting the model file can record.
        let choices = ["none"] + ModelMetadata.TestTimeAugmentation.allCases.map(\.rawValue)
        guard choices.contains(testTimeAugmentation) else {
            throw ValidationError("--test-time-augmentation: expected one of \(choices.joined(separator: ", ")), got '\(testTimeAugmentation)'"
                + Suggestion.hint(for: testTimeAugmentation, among: choices))
        }
        for case let (flag, value?, range) in ranges where !range.contains(value) {
            let wanted = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            throw ValidationError("\(flag) must be \(wanted), got \(value)")
        }
    }

    /// The recipe options given on the command line that only training without a spec reads.
    var recipeFlagsGiven: [String] {
        let optional: [(String, Any?)] = [
            ("--run", runFolder), ("--classes", classes), ("--group-pattern", groupPattern), ("--steps", steps), ("--batch", batch),
            ("--lr", lr), ("--warmup", warmup), ("--decay", decay), ("--mixup", mixup), ("--resize", resize), ("--crop", crop),
            ("--augment", augment), ("--label-smoothing", labelSmoothing), ("--weight-average", weightAverage),
        ]
        let flags = [("--flip-vertical", flipVertical), ("--no-flip-horizontal", noFlipHorizontal), ("--transpose", transpose),
                     ("--test-time-augmentation", testTimeAugmentation != "none")]
        return optional.filter { $0.1 != nil }.map(\.0) + flags.filter(\.1).map(\.0)
    }

    func run() throws {
        try distributed.join(spec: spec, isCI: CIEnvironment.isCI)
        let plan: TrainingPlan
        if let spec {
            var loaded = try Spec.load(contentsOf: URL(fileURLWithPath: spec), otherData: data != nil).crossValidating(fold: fold, trainingSeed: nil)
            if let data { loaded = try loaded.onData(URL(fileURLWithPath: data), metadata: nil) }
            plan = try TrainingPlan(spec: loaded, threads: threads)
        } else {
            guard let data else { throw ValidationError("give a spec, or --data DIR") }
            plan = try folderPlan(data)
        }
        try train(plan)
    }

    func folderPlan(_ data: String) throws -> TrainingPlan {
        let fractions = split.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard fractions.count == 3 else { throw ValidationError("--split takes three fractions, e.g. 0.8,0.1,0.1") }
        let decaySteps = try decay.map { text in
            try text.split(separator: ",").map { s -> Int in
                guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--decay: '\(s)' is not a step number") }
                return v
            }
        }
        guard let range = ModelMetadata.ValueRange(rawValue: valueRange.replacingOccurrences(of: ",", with: ", ")) else {
            throw ValidationError("--value-range must be [-1,1] or [0,1]")
        }
        let dataURL = URL(fileURLWithPath: data)
        var plan = TrainingPlan(
            data: dataURL, classes: classes.map { $0.split(separator: ",").map(String.init) }, groupPattern: groupPattern,
            split: try SplitRule(by: groupPattern == nil ? .image : .group, train: fractions[0], validation: fractions[1], test: fractions[2], seed: seed),
            model: model.hasSuffix(".npz") ? .checkpoint(model) : .architecture(model),
            run: URL(fileURLWithPath: runFolder ?? "runs/\(dataURL.standardizedFileURL.lastPathComponent)"),
            rule: .init(totalSteps: steps, warmupSteps: warmup, decaySteps: decaySteps, mixupAlpha: mixup, batchSize: batch, baseLearningRate: lr),
            resize: resize, crop: crop, valueRange: range, horizontalFlip: !noFlipHorizontal, verticalFlip: flipVertical, transpose: transpose,
            microBatchSize: microBatch, evaluateEvery: evalEvery, patience: patience > 0 ? patience : nil,
            checkpointEvery: checkpointEvery, seed: seed, threads: threads)
        plan.unreadable = unreadable
        plan.augmentation = try augmentation()
        plan.labelSmoothing = labelSmoothing ?? 0
        plan.weightAverage = weightAverage
        plan.testTimeAugmentation = ModelMetadata.TestTimeAugmentation(rawValue: testTimeAugmentation)  // "none" → nil
        return plan
    }

    /// `--augment`'s names, each once.
    func augmentation() throws -> [Augmentation] {
        guard let augment else { return [] }
        var seen: Set<String> = []
        return try augment.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let augmentation = Augmentation(named: name) else {
                throw ValidationError("--augment: unknown colour shift or corruption '\(name)'" + Suggestion.hint(for: name, among: Augmentation.names)
                    + "; known: " + Augmentation.names.joined(separator: ", "))
            }
            guard seen.insert(name).inserted else { throw ValidationError("--augment: '\(name)' is listed twice") }
            return augmentation
        }
    }

    func train(_ plan: TrainingPlan) throws {
        let lead = World.group.isLeader
        let lock = try lead ? RunFolderLock.take(plan.run, purpose: "modelcheck train") : nil
        defer { withExtendedLifetime(lock) {} }
        if lead, let kept = try RunFolder(plan.run).setAsideEarlierRun(resume: resume) { print("kept       the earlier run: \(kept.path)") }
        let job = try TrainingJob(plan)
        for s in job.manifest.skipped { print("skipped    \(s.path): \(s.reason)") }
        print(job.split.description)
        let rule = job.options.rule
        print("""
            model      \(job.metadata.architecture), \(job.metadata.classNames.count) classes: \(job.metadata.classNames.joined(separator: ", "))\(job.metadata.testTimeAugmentation == .symmetries ? "; outputs the mean over the 8 symmetries" : "")
            input      resize \(job.preprocessing.resize), crop \(job.preprocessing.crop), values \(job.preprocessing.valueRange.rawValue), flips: \(job.preprocessing.randomHorizontalFlip ? "left-right " : "")\(job.preprocessing.randomVerticalFlip ? "top-bottom " : "")\(job.preprocessing.randomTranspose ? "transpose" : "")
            augment    \(job.options.augmentation.isEmpty ? "none" : job.options.augmentation.map(\.description).joined(separator: ", "))
            schedule   \(rule.totalSteps) steps of \(rule.batchSize) (micro-batches of \(job.options.microBatchSize)), lr \(rule.baseLearningRate), warm-up \(rule.warmupSteps), ÷10 after \(rule.decaySteps.map(String.init).joined(separator: "/")), MixUp \(rule.mixupAlpha > 0 ? "α \(rule.mixupAlpha)" : "off"), momentum \(rule.momentum)\(job.options.labelSmoothing > 0 ? ", label smoothing \(job.options.labelSmoothing)" : "")\(job.options.weightAverage.map { ", weight average \($0)" } ?? "")
            stopping   \(job.options.patience.map { "patience \($0) evaluations of every \(job.options.evaluateEvery) steps, best weights restored" } ?? "none")
            run        \(plan.run.path)
            """)
        let interrupt = InterruptFlag()
        var progress = TrainingProgress(totalSteps: rule.totalSteps)
        let outcome = try job.run(resume: resume, shouldStop: { interrupt.isRaised }, observe: { progress.handle($0) })
        progress.finish()
        if outcome.training.interrupted {
            print("stopped after step \(outcome.training.steps); continue with the same command and --resume")
            throw ExitCode(130)
        }
        print("finished: \(outcome.training.reason) after \(outcome.training.steps) steps in \(TrainingProgress.duration(outcome.seconds)); model from step \(outcome.training.modelStep)")
        if let test = outcome.test {
            print(String(format: "test       accuracy %.2f%% on %d images (loss %.4f)", 100 * test.accuracy, test.labels.count, test.meanLoss))
        }
        print("model      \(RunFolder(plan.run).model.path)")
    }
}

extension UnreadableImagePolicy: ExpressibleByArgument {}
