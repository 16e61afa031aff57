import BiT
import Datasets
import Foundation
import Imaging
import Testing
@testable import Training

@Suite struct TrainingJobTests {
    /// Class folders of synthetic cells named like the malaria files (patient C1 ... C8), plus one corrupt PNG.
    static func folder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("job-\(UUID().uuidString)")
        for (label, cls) in ["Parasitized", "Uninfected"].enumerated() {
            let dir = root.appendingPathComponent(cls)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for i in 0..<16 {
                let px = (0..<(20 * 20 * 3)).map { UInt8(($0 * (label + 3) + i) % 200) }
                try PNGEncoder.write(RGBImage(width: 20, height: 20, pixels: px), to: dir.appendingPathComponent("C\(i % 8 + 1)_cell_\(i).png"))
            }
        }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9]).write(to: root.appendingPathComponent("Uninfected/C3_broken.png"))
        return root
    }

    static func plan(_ data: URL, unreadable: UnreadableImagePolicy) throws -> TrainingPlan {
        var plan = TrainingPlan(data: data, groupPattern: "^(C[0-9]+)",
                                split: try SplitRule(by: .group, train: 0.5, validation: 0.25, test: 0.25, seed: 1),
                                model: .architecture("R14x0.125"), run: data.appendingPathComponent("../run-\(UUID().uuidString)").standardized,
                                rule: .init(totalSteps: 3, warmupSteps: 1, decaySteps: [], batchSize: 4),
                                microBatchSize: 2, evaluateEvery: 3, patience: nil, checkpointEvery: 3)
        plan.unreadable = unreadable
        return plan
    }

    @Test func anUndecodableImageStopsTheRunByDefault() throws {
        let data = try Self.folder()
        #expect { try TrainingJob(Self.plan(data, unreadable: .fail)) } throws: { "\($0)".contains("C3_broken.png") }
    }

    @Test func skippingListsTheImageAndLeavesItOut() throws {
        let job = try TrainingJob(Self.plan(try Self.folder(), unreadable: .skip))
        #expect(job.manifest.skipped.map(\.path) == ["Uninfected/C3_broken.png"])
        #expect(job.manifest.entries.count == 32 && !job.manifest.entries.contains { $0.path.contains("broken") })
        // No HyperRule sizes were given: 20×20 images are small, so 160 → 128.
        #expect(job.preprocessing.resize == 160 && job.preprocessing.crop == 128)
        #expect(job.options.rule.totalSteps == 3 && job.options.rule.warmupSteps == 1 && job.options.rule.baseLearningRate == 0.003)
        let outcome = try job.run(resume: false)
        #expect(outcome.test != nil && outcome.training.steps == 3)
        let testPatients = Set(job.split.indices(.test).compactMap { job.manifest.entries[$0].group })
        let trainPatients = Set(job.split.indices(.train).compactMap { job.manifest.entries[$0].group })
        #expect(testPatients.isDisjoint(with: trainPatients))
    }

    /// A batch no machine holds is refused before anything is decoded into it, naming the setting.
    @Test func testTimeAugmentationIsRecordedInTheModelAndJudgesTheTestSplit() throws {
        var plan = try Self.plan(try Self.folder(), unreadable: .skip)
        plan.testTimeAugmentation = .symmetries
        let job = try TrainingJob(plan)
        let outcome = try job.run(resume: false)
        let (saved, metadata) = try BiTCheckpoint.load(RunFolder(plan.run).model)
        #expect(metadata.testTimeAugmentation == .symmetries && saved.averagesSymmetries && outcome.model.averagesSymmetries)
        // The test split's logits are the saved model's averaged ones, not one orientation's.
        let test = job.samples(.test)
        let loader = { BatchLoader(samples: test, preprocessing: job.preprocessing, batchSize: 64, mode: .evaluation, threads: plan.threads) }
        var plain = saved
        plain.averagesSymmetries = false
        #expect(outcome.test?.logits == (try DatasetPredictions(model: saved, loader: loader(), threads: plan.threads)).logits)
        #expect(outcome.test?.logits != (try DatasetPredictions(model: plain, loader: loader(), threads: plan.threads)).logits)
    }

    @Test func aBatchTooLargeForTheMachineIsRefusedBeforeTraining() throws {
        var plan = try Self.plan(try Self.folder(), unreadable: .skip)
        (plan.resize, plan.crop, plan.rule.batchSize, plan.microBatchSize) = (4096, 4096, 65_536, 256)
        #expect { try TrainingJob(plan) } throws: { error in
            let text = "\(error)"
            return text.contains("for a step's 65536 decoded images of 4096×4096 (training.batch)") && text.contains("lower training.batch")
        }
    }

    @Test func theMemoryEstimateAddsItsParts() throws {
        let r50 = try ResNetV2Architecture(named: "R50x1")
        let m = TrainingMemory(architecture: r50, classes: 2, crop: 128, batch: 512, microBatch: 32, mixup: true)
        #expect(m.batchBytes == 512 * 128 * 128 * 3 * 4 * 2)
        #expect(m.activationBytes == 2 * 32 * r50.tapeFloatsPerImage(input: 128) * 4)
        // R50x1: 23,500,352 backbone weights and a 2-class head of 4,098 (docs/bit-reference.md), four copies of each.
        #expect(abs(Double(m.parameterBytes) / 16 - 23_504_450) < 1)
        #expect(throws: Never.self) { try m.requireFits(in: m.totalBytes) }
        #expect(throws: TrainingError.self) { try m.requireFits(in: m.totalBytes - 1) }
    }
}

@Suite struct DivergenceTests {
    @Test func aNonFiniteLossStopsWithAClearErrorAndKeepsTheLastCheckpoint() throws {
        let data = try TrainerTests.dataset(16)
        var options = TrainerTests.options(steps: 20)
        options.rule.baseLearningRate = 1e38
        options.rule.warmupSteps = 0
        options.checkpointEvery = 1
        let run = TrainerTests.temporaryRun()
        let trainer = try TrainerTests.makeTrainer(data, [], options: options, run: run)
        #expect { try trainer.train(resume: false) } throws: { "\($0)".contains("became") && "\($0)".contains("last good checkpoint") }
        let shapes = ResNetV2<Float>.parameterShapes(try ResNetV2Architecture(named: "R14x0.125"), classes: 2)
        let saved = try TrainingCheckpoint.read(from: RunFolder(run).checkpoint, expecting: shapes)
        #expect(saved.state.step >= 1)
        #expect(saved.parameters.names.allSatisfy { name in saved.parameters.tensor(name).array.allSatisfy(\.isFinite) })
    }
}
