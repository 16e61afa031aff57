import BiT
@testable import Checks
import Datasets
import Foundation
import Testing

/// An operating point chosen on the validation split moves the metrics after it, with their intervals.
@Suite struct OperatingPointCheckTests {
    let f = CheckFixture.shared

    /// The good model with the positive class's (dot's) logit lowered past every positive's margin,
    /// so that the arg-max calls no image positive while the scores keep their order.
    var plantedModel: ResNetV2<Float> {
        get throws {
            let good = f.context(f.goodModel)
            var margins: [Float] = []
            for part in [DatasetSplit.Part.validation, .test] {
                let p = try good.predictions(part)
                margins += p.labels.indices.filter { p.labels[$0] == 0 }.map { p.logits[$0 * 2] - p.logits[$0 * 2 + 1] }
            }
            let shift = try #require(margins.max()) + 0.5
            return CheckFixture.edited(f.goodModel) { name, t in if name == "resnet/head/conv2d/bias" { t[0] -= shift } }
        }
    }

    @Test func theOperatingPointRestoresSensitivityThatTheArgMaxLoses() throws {
        let context = f.context(try plantedModel)
        let sensitivity = MetricCheck(id: "sensitivity", gate: CheckVerdictTests.gate(.sensitivity, min: 0.8))
        let before = try sensitivity.run(context)
        #expect(before.verdict == .fail && before.estimate == 0, "\(before.message)")

        let chosen = try OperatingPointCheck(id: "operating_point", target: .sensitivity(0.9), minSamples: 5).run(context)
        #expect(chosen.verdict == .pass, "\(chosen.message)")
        let threshold = try #require(chosen.details["threshold"])
        #expect(threshold < 0.5 && chosen.value! >= 0.9 && chosen.details["validationSensitivity"] == chosen.value)
        #expect(context.operatingPoint == .threshold(threshold, setBy: "operating_point"))

        let after = try sensitivity.run(context)
        #expect(after.verdict == .pass, "\(after.message)")
        #expect(after.message.contains(String(format: "at threshold %.4g (operating_point)", threshold)))
        #expect(after.details["threshold"] == threshold)
        // Scores alone are not moved, and do not claim to be.
        let auc = try MetricCheck(id: "auc", gate: CheckVerdictTests.gate(.rocAUC, min: 0.5)).run(context)
        #expect(!auc.message.contains("threshold") && auc.details["threshold"] == nil)
    }

    @Test func theOtherRateIsGatedWithItsIntervalAtTheThreshold() throws {
        let context = f.context(try plantedModel)
        _ = try OperatingPointCheck(id: "op", target: .sensitivity(0.9), minSamples: 5).run(context)
        guard case .threshold(let threshold, _)? = context.operatingPoint else { Issue.record("no threshold"); return }
        let test = try context.predictions(.test)
        let p = test.probabilities
        let negatives = test.labels.indices.filter { test.labels[$0] == 1 }
        let trueNegatives = negatives.count { Double(p[$0 * 2]) < threshold }
        let wilson = try #require(try WilsonInterval(successes: trueNegatives, trials: negatives.count, confidence: 0.95))
        var gate = CheckVerdictTests.gate(.specificity, min: 0.5, bound: .lower)
        gate.byGroup = false
        let specificity = try MetricCheck(id: "specificity", gate: gate).run(context)
        #expect(specificity.estimate == Double(trueNegatives) / Double(negatives.count))
        #expect(specificity.interval == [wilson.lower, wilson.upper] && specificity.value == wilson.lower)
        // By patient, the interval is the group bootstrap's at the same threshold, around the same value.
        let byPatient = try MetricCheck(id: "specificity", gate: CheckVerdictTests.gate(.specificity, min: 0.5, bound: .lower)).run(context)
        #expect(byPatient.estimate == specificity.estimate && byPatient.message.contains("group bootstrap"))
        #expect(byPatient.interval![0] <= wilson.lower && byPatient.interval![1] >= wilson.upper)
    }

    @Test func aStoredThresholdThatDisagreesFails() throws {
        var stored = f.metadata
        (stored.threshold, stored.positiveClass) = (0.5, "dot")
        let context = f.context(f.goodModel, metadata: stored)
        let r = try OperatingPointCheck(id: "op", target: .youden, minSamples: 5).run(context)
        #expect(r.verdict == .fail && r.message.contains("the model file stores threshold 0.5 on the dot probability"), "\(r.message)")
        // The same threshold stored passes.
        let chosen = try #require(r.details["threshold"])
        stored.threshold = chosen
        #expect(try OperatingPointCheck(id: "op", target: .youden, minSamples: 5).run(f.context(f.goodModel, metadata: stored)).verdict == .pass)
    }

    @Test func tooFewValidationImagesAreInconclusive() throws {
        let r = try OperatingPointCheck(id: "op", target: .specificity(0.9), minSamples: 1000).run(f.context(f.goodModel))
        #expect(r.verdict == .inconclusive && r.message.contains("fewer than the 1000 needed"), "\(r.message)")
    }

    @Test func withoutValidationImagesTheMetricsAfterItAreInconclusive() throws {
        // The validation split keeps only its plain images: no positives to choose a threshold on.
        let assignment = f.dotSplit.assignment.enumerated().map { i, part in
            part == .validation && f.dotManifest.entries[i].label == 0 ? DatasetSplit.Part.train : part
        }
        let split = try DatasetSplit(f.dotManifest, assignment: assignment)
        let context = f.context(f.goodModel, split: split)
        let r = try OperatingPointCheck(id: "op", target: .youden, minSamples: 5).run(context)
        #expect(r.verdict == .inconclusive && r.message.contains("validation split has no dot images"), "\(r.message)")
        let gate = try MetricCheck(id: "accuracy", gate: CheckVerdictTests.gate(.accuracy, min: 0.5)).run(context)
        #expect(gate.verdict == .inconclusive && gate.message.contains("no decision threshold for accuracy (op): "), "\(gate.message)")
    }

    @Test func aThresholdStoredInTheModelDecidesWithoutAnOperatingPointCheck() throws {
        let sensitivity = MetricCheck(id: "sensitivity", gate: CheckVerdictTests.gate(.sensitivity, min: 0.8))
        #expect(try sensitivity.run(f.context(f.goodModel)).verdict == .pass)
        var stored = f.metadata
        (stored.threshold, stored.positiveClass) = (1.5, "dot")
        let never = try sensitivity.run(f.context(f.goodModel, metadata: stored))
        #expect(never.verdict == .fail && never.estimate == 0 && never.message.contains("at threshold 1.5 (stored in the model)"), "\(never.message)")
        // A threshold on the other class's probability cannot decide this spec's positives.
        stored.positiveClass = "plain"
        let other = try sensitivity.run(f.context(f.goodModel, metadata: stored))
        #expect(other.verdict == .inconclusive && other.message.contains("applies to the plain probability"), "\(other.message)")
    }
}
