import BiT
import Datasets
import Foundation
import Imaging
import Testing
@testable import Training

@Suite struct TrainerTests {
    /// Two classes a small network can tell apart: dark cells with a bright dot vs plain ones.
    static func dataset(_ count: Int) throws -> [LabeledImage] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: 11)
        return try (0..<count).map { i in
            let label = i % 2
            var px = [UInt8](repeating: 0, count: 20 * 20 * 3)
            for j in 0..<px.count { px[j] = UInt8(40 + rng.next() % 40) }
            if label == 1 {
                let cx = 6 + Int(rng.next() % 8), cy = 6 + Int(rng.next() % 8)
                for y in cy - 2...cy + 2 { for x in cx - 2...cx + 2 { px[(y * 20 + x) * 3] = 220; px[(y * 20 + x) * 3 + 2] = 200 } }
            }
            let url = dir.appendingPathComponent("img\(i).png")
            try PNGEncoder.write(RGBImage(width: 20, height: 20, pixels: px), to: url)
            return LabeledImage(url: url, label: label)
        }
    }

    static func options(steps: Int, patience: Int? = nil, augmentation: [Augmentation] = []) -> TrainingOptions {
        let rule = HyperRule(totalSteps: steps, warmupSteps: 2, decaySteps: [steps * 3 / 4], mixupAlpha: 0,
                             batchSize: 8, baseLearningRate: 0.05, momentum: 0.9)
        return TrainingOptions(rule: rule, microBatchSize: 3, evaluateEvery: 5, patience: patience, checkpointEvery: 4, seed: 9, threads: 2,
                               augmentation: augmentation)
    }

    /// A colour shift and a seeded noise, each on about half the images.
    static let augmentation = [
        Augmentation(.colourShift(.hueRotation, range: -20...20)),
        Augmentation(.corruption(.shotNoise, maxSeverity: CorruptionSeverity.all[1])),
    ].compactMap { $0 }

    static func makeTrainer(_ train: [LabeledImage], _ val: [LabeledImage], options: TrainingOptions, run: URL) throws -> Trainer {
        let model = ResNetV2<Float>(architecture: try ResNetV2Architecture(named: "R14x0.125"), classes: 2, seed: 4)
        let metadata = ModelMetadata(architecture: "R14x0.125", classNames: ["plain", "dot"], resolution: 16, valueRange: .minusOneToOne)
        return try Trainer(model: model, metadata: metadata, preprocessing: Preprocessing(resize: 18, crop: 16, randomVerticalFlip: true),
                           train: train, validation: val, options: options, run: RunFolder(run))
    }

    static func temporaryRun() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    }

    @Test func learnsAndWritesTheRunFolder() throws {
        let data = try Self.dataset(40)
        let run = Self.temporaryRun()
        let trainer = try Self.makeTrainer(Array(data[0..<32]), Array(data[32...]), options: Self.options(steps: 30), run: run)
        var events = 0
        let (_, result) = try trainer.train(resume: false, observe: { _ in events += 1 })
        #expect(result.reason == "schedule complete" && result.steps == 30)
        let folder = RunFolder(run)
        let log = try folder.readLog()
        let losses = log.compactMap(\.loss)
        #expect(losses.count == 30 && events > 30)
        #expect(losses.suffix(5).reduce(0, +) < losses.prefix(5).reduce(0, +), "loss should fall: \(losses)")
        #expect((log.last { $0.validationAccuracy != nil }?.validationAccuracy ?? 0) >= 0.75)
        for file in [folder.model, folder.best, folder.checkpoint, folder.hyperparameters, folder.lossPlot, folder.accuracyPlot] {
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent)")
        }
        let (saved, meta) = try BiTCheckpoint.load(folder.model)
        #expect(meta.classNames == ["plain", "dot"] && saved.classes == 2)
    }

    @Test(arguments: [false, true])
    func anInterruptedRunResumesBitForBit(augmented: Bool) throws {
        let data = try Self.dataset(24)
        let train = Array(data[0..<18]), val = Array(data[18...])
        let options = Self.options(steps: 14, augmentation: augmented ? Self.augmentation : [])
        #expect(options.augmentation.count == (augmented ? 2 : 0))
        let straight = try Self.makeTrainer(train, val, options: options, run: Self.temporaryRun())
        let (reference, _) = try straight.train(resume: false)

        let run = Self.temporaryRun()
        var steps = 0
        let first = try Self.makeTrainer(train, val, options: options, run: run)
        let (_, stopped) = try first.train(resume: false, shouldStop: { steps >= 6 }) { if case .step = $0 { steps += 1 } }
        #expect(stopped.interrupted && stopped.steps == 6)
        let second = try Self.makeTrainer(train, val, options: options, run: run)
        let (resumed, result) = try second.train(resume: true)
        #expect(result.steps == 14)
        for name in reference.parameters.names {
            #expect(resumed.parameters.tensor(name).array.map(\.bitPattern) == reference.parameters.tensor(name).array.map(\.bitPattern), "\(name)")
        }
        #expect(try RunFolder(run).readLog().compactMap(\.loss).count == 14)
    }

    @Test func theSavedModelIsTheMovingAverageOfTheWeightsAfterEachStep() throws {
        let data = try Self.dataset(16)
        let plain = Self.options(steps: 12)
        var averaged = plain
        averaged.weightAverage = 0.8
        // The live weights after each step of a run without averaging (the averaging never changes them).
        var snapshots: [[String: [Float]]] = []
        let straight = try Self.makeTrainer(data, [], options: plain, run: Self.temporaryRun())
        let initial = straight.model.parameters.copy()
        _ = try straight.train(resume: false, observe: { event in
            if case .step = event { snapshots.append(Dictionary(uniqueKeysWithValues: straight.model.parameters.names.map { ($0, straight.model.parameters.tensor($0).array) })) }
        })
        #expect(snapshots.count == 12)
        let run = Self.temporaryRun()
        let (model, _) = try Self.makeTrainer(data, [], options: averaged, run: run).train(resume: false)
        let (saved, _) = try BiTCheckpoint.load(RunFolder(run).model)
        for name in ["resnet/head/conv2d/kernel", "resnet/block2/unit01/a/standardized_conv2d/kernel"] {
            // In doubles: a ← d_k·a + (1 − d_k)·w_k with d_k = min(0.8, (1 + k)/(10 + k)), from the initial weights.
            var a = initial.tensor(name).array.map(Double.init)
            for (k, weights) in snapshots.enumerated() {
                let d = min(0.8, Double(1 + k) / Double(10 + k))
                a = zip(a, weights[name]!).map { d * $0 + (1 - d) * Double($1) }
            }
            let ours = saved.parameters.tensor(name).array.map(Double.init)
            func maxError(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).map { abs($0 - $1) }.max() ?? 0 }
            #expect(maxError(a, snapshots.last![name]!.map(Double.init)) > 1e-4, "\(name): the average must differ from the last weights")
            #expect(maxError(ours, a) < 1e-5, "\(name)")
            #expect(model.parameters.tensor(name).array == saved.parameters.tensor(name).array)
        }
    }

    @Test func anInterruptedRunWithAWeightAverageResumesBitForBit() throws {
        let data = try Self.dataset(16)
        var options = Self.options(steps: 10)
        options.weightAverage = 0.9
        let (reference, _) = try Self.makeTrainer(data, [], options: options, run: Self.temporaryRun()).train(resume: false)
        let run = Self.temporaryRun()
        var steps = 0
        _ = try Self.makeTrainer(data, [], options: options, run: run).train(resume: false, shouldStop: { steps >= 5 }) {
            if case .step = $0 { steps += 1 }
        }
        let (resumed, _) = try Self.makeTrainer(data, [], options: options, run: run).train(resume: true)
        for name in reference.parameters.names {
            #expect(resumed.parameters.tensor(name).array.map(\.bitPattern) == reference.parameters.tensor(name).array.map(\.bitPattern), "\(name)")
        }
    }

    @Test func earlyStoppingRestoresTheBestWeights() throws {
        let data = try Self.dataset(24)
        var options = Self.options(steps: 60, patience: 1)
        options.rule.baseLearningRate = 0.3  // overshoots, so the validation loss soon stops improving
        let trainer = try Self.makeTrainer(Array(data[0..<18]), Array(data[18...]), options: options, run: Self.temporaryRun())
        let (model, result) = try trainer.train(resume: false)
        #expect(result.reason == "early stopping" && result.steps < 60)
        let best = try BiTCheckpoint.load(trainer.run.best).model
        for name in model.parameters.names { #expect(model.parameters.tensor(name).array == best.parameters.tensor(name).array) }
        #expect(result.modelStep < result.steps)
    }

    @Test func resumingWithOtherOptionsIsRefused() throws {
        let data = try Self.dataset(12)
        let run = Self.temporaryRun()
        _ = try Self.makeTrainer(data, [], options: Self.options(steps: 4), run: run).train(resume: false)
        var other = Self.options(steps: 4)
        other.seed = 10
        #expect(throws: TrainingError.self) { try Self.makeTrainer(data, [], options: other, run: run).train(resume: true) }
        let augmented = Self.options(steps: 4, augmentation: Self.augmentation)
        #expect(throws: TrainingError.self) { try Self.makeTrainer(data, [], options: augmented, run: run).train(resume: true) }
    }

    @Test func optionsWrittenBeforeAugmentationExistedReadAsNone() throws {
        let options = Self.options(steps: 4)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as? [String: Any])
        #expect(object.removeValue(forKey: "augmentation") != nil && object.removeValue(forKey: "labelSmoothing") != nil)
        #expect(object["weightAverage"] == nil, "nil is left out")
        let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old == options)
    }

    @Test func labelSmoothingKeepsTheLossAboveTheEntropyOfItsTargets() throws {
        // Cross-entropy against targets q is at least their entropy H(q), reached only when the
        // model predicts q: smoothed by ε = 0.4 (targets 0.8/0.2) the loss stays above 0.5004, where
        // the same run on hard labels falls below it.
        let data = try Self.dataset(32)
        func losses(_ epsilon: Double) throws -> [Double] {
            var options = Self.options(steps: 40)
            options.labelSmoothing = epsilon
            let run = Self.temporaryRun()
            _ = try Self.makeTrainer(data, [], options: options, run: run).train(resume: false)
            return try RunFolder(run).readLog().compactMap(\.loss)
        }
        let entropy = -(0.8 * Foundation.log(0.8) + 0.2 * Foundation.log(0.2))
        let hard = try losses(0), smoothed = try losses(0.4)
        #expect(hard.suffix(5).max()! < entropy - 0.05, "hard labels: \(hard.suffix(5))")
        #expect(smoothed.allSatisfy { $0 >= entropy - 1e-4 }, "smoothed: \(smoothed.suffix(5))")
    }

    @Test func hyperparametersRecordTheAugmentation() throws {
        let data = try Self.dataset(12)
        let run = Self.temporaryRun()
        _ = try Self.makeTrainer(data, [], options: Self.options(steps: 2, augmentation: Self.augmentation), run: run).train(resume: false)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RunFolder(run).hyperparameters)) as? [String: Any])
        let options = try #require(record["options"] as? [String: Any])
        let listed = try #require(options["augmentation"] as? [[String: Any]])
        #expect(listed.map { ($0["shift"] ?? $0["corruption"]) as? String } == ["hue_rotation", "shot_noise"])
        #expect(listed.map { $0["p"] as? Double } == [0.5, 0.5])
    }
}
