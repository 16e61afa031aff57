import BiT
import Checks
import Datasets
import Foundation
import Imaging
import Testing

/// Valid specs become exactly the values they write, and omitted values their defaults.
@Suite struct SpecParsingTests {
    static let full = """
        modelcheck: 1
        name: malaria-embedded
        description: Small BiT trained from scratch on the malaria sample
        model:
          architecture: R14x0.5
        data:
          folder: data/malaria-sample
          classes: [Parasitized, Uninfected]
          positive_class: Parasitized
          unreadable: skip
          split:
            by: group
            group_pattern: '^(C[0-9]+)'
            train: 0.8
            validation: 0.1
            test: 0.1
            seed: 3
          preprocessing:
            resize: 72
            crop: 64
            value_range: "[0, 1]"
            flips: [horizontal, vertical, transpose]
        training:
          run: ../runs/custom
          steps: 600
          batch: 64
          micro_batch: 32
          learning_rate: 0.05
          warmup: 30
          decay: [300, 450, 550]
          mixup: 0
          momentum: 0.9
          eval_every: 25
          patience: 12
          checkpoint_every: 50
          seed: 7
          threads: 2
        checks:
          - check: output_shape
          - check: finite_outputs
            severity: warn
          - check: softmax_sums_to_one
            tolerance: 1.0e-5
            sample: 64
          - check: initial_loss
            tolerance: 0.05
            sample: 16
          - check: deterministic
            sample: 8
          - check: overfit_batch
            steps: 40
            images: 4
          - check: no_leakage
            on_empty: fail
          - check: invariance
            transforms: [rotate90, flip_vertical, rotate90+flip_horizontal]
            min_agreement: 0.95
            bound: lower
            confidence: 0.9
            worst: 4
            min_samples: 50
          - check: metric
            metric: accuracy
            min: 0.93
            bound: lower
            confidence: 0.99
            min_samples: 100
          - check: metric
            id: fnr
            metric: false_negative_rate
            max: 0.1
            bound: upper
          - check: baseline
            model: ../runs/baseline/model.npz
            metric: sensitivity
            max_drop: 0.02
            significance: 0.01
            on_missing: skip
          - check: golden
            file: ../golden/malaria-embedded.json
            tolerance: 1.0e-4
            images: 6
            on_empty: skip
        """

    let root = URL(fileURLWithPath: "/specs-under-test")

    @Test func fullSpecKeepsEveryValue() throws {
        let spec = try SpecTesting.parse(Self.full)
        #expect(spec.version == 1)
        #expect(spec.name == "malaria-embedded")
        #expect(spec.description == "Small BiT trained from scratch on the malaria sample")
        #expect(spec.model == .architecture(try ResNetV2Architecture(named: "R14x0.5")))
        #expect(spec.file.path == "/specs-under-test/Specs/t.spec")

        let split = Spec.Split(by: .group, groupPattern: "^(C[0-9]+)", train: 0.8, validation: 0.1, test: 0.1, seed: 3)
        let preprocessing = Spec.Preprocessing(resize: 72, crop: 64, valueRange: .zeroToOne,
                                               randomHorizontalFlip: true, randomVerticalFlip: true, randomTranspose: true)
        #expect(spec.data == Spec.Data(folder: root.appendingPathComponent("Specs/data/malaria-sample"),
                                       classes: ["Parasitized", "Uninfected"], positiveClass: "Parasitized",
                                       unreadable: .skip, split: split, preprocessing: preprocessing))

        #expect(spec.training == Spec.Training(
            run: root.appendingPathComponent("runs/custom"), steps: 600, batch: 64, microBatch: 32, learningRate: 0.05,
            warmup: 30, decay: [300, 450, 550], mixup: 0, momentum: 0.9, evalEvery: 25, patience: 12,
            checkpointEvery: 50, seed: 7, threads: 2))

        let transforms = [Spec.Transform(steps: [.rotate90]), Spec.Transform(steps: [.flipVertical]),
                          Spec.Transform(steps: [.rotate90, .flipHorizontal])]
        let expected: [Spec.Check] = [
            .init(id: "output_shape", kind: .outputShape, position: .init(line: 39, column: 5)),
            .init(id: "finite_outputs", severity: .warn, kind: .finiteOutputs, position: .init(line: 40, column: 5)),
            .init(id: "softmax_sums_to_one", kind: .softmaxSumsToOne(tolerance: 1e-5, sample: 64),
                  position: .init(line: 42, column: 5)),
            .init(id: "initial_loss", kind: .initialLoss(tolerance: 0.05, sample: 16), position: .init(line: 45, column: 5)),
            .init(id: "deterministic", kind: .deterministic(sample: 8), position: .init(line: 48, column: 5)),
            .init(id: "overfit_batch", kind: .overfitBatch(steps: 40, images: 4), position: .init(line: 50, column: 5)),
            .init(id: "no_leakage", onEmpty: .fail, kind: .noLeakage, position: .init(line: 53, column: 5)),
            .init(id: "invariance", kind: .invariance(.init(transforms: transforms, minAgreement: 0.95, bound: .lower,
                                                              confidence: 0.9, worst: 4, minSamples: 50)),
                  position: .init(line: 55, column: 5)),
            .init(id: "metric.accuracy", kind: .metric(.init(metric: .accuracy, threshold: 0.93, comparison: .atLeast,
                                                              bound: .lower, confidence: 0.99, minSamples: 100)),
                  position: .init(line: 62, column: 5)),
            .init(id: "fnr", kind: .metric(.init(metric: .falseNegativeRate, threshold: 0.1, comparison: .atMost,
                                                  bound: .upper)),
                  position: .init(line: 68, column: 5)),
            .init(id: "baseline.sensitivity",
                  kind: .baseline(.init(model: root.appendingPathComponent("runs/baseline/model.npz"), metric: .sensitivity,
                                        maxDrop: 0.02, significance: 0.01, onMissing: .skip)),
                  position: .init(line: 73, column: 5)),
            .init(id: "golden", onEmpty: .skip,
                  kind: .golden(.init(file: root.appendingPathComponent("golden/malaria-embedded.json"), tolerance: 1e-4,
                                      images: 6)),
                  position: .init(line: 79, column: 5)),
        ]
        #expect(spec.checks.count == expected.count)
        for (got, want) in zip(spec.checks, expected) { #expect(got == want) }
    }

    @Test func transformsComposeLeftToRight() throws {
        let spec = try SpecTesting.parse(Self.full)
        guard case .invariance(let config) = spec.checks[7].kind else {
            Issue.record("check 8 is not invariance")
            return
        }
        #expect(config.transforms.map(\.name) == ["rotate90", "flip_vertical", "rotate90+flip_horizontal"])
        // Rotating a quarter turn, then mirroring left-right, mirrors about the anti-diagonal.
        #expect(config.transforms[2].steps == [.rotate90, .flipHorizontal])
        #expect(config.transforms[2].composed == ImageTransform.rotate90.then(.flipHorizontal))
        #expect(config.transforms[2].composed == .antiTranspose)
    }

    static let minimal = """
        modelcheck: 1
        name: minimal
        model:
          upstream: ../models/BiT-M-R50x1.npz
        data:
          folder: data
          split:
            by: image
            train: 0.7
            validation: 0.15
            test: 0.15
        checks:
          - check: metric
            metric: balanced_accuracy
            min: 0.9
          - check: softmax_sums_to_one
          - check: initial_loss
          - check: deterministic
          - check: overfit_batch
          - check: invariance
            transforms: [rotate180]
            min_agreement: 0.9
          - check: baseline
            model: ../runs/old/model.npz
            metric: accuracy
          - check: golden
        """

    @Test func minimalSpecGetsTheDefaults() throws {
        let spec = try SpecTesting.parse(Self.minimal)
        #expect(spec.description == nil)
        #expect(spec.model == .upstream(root.appendingPathComponent("models/BiT-M-R50x1.npz")))
        #expect(spec.training == nil)
        #expect(spec.data.classes == nil)
        #expect(spec.data.positiveClass == nil)
        #expect(spec.data.unreadable == .fail)
        #expect(spec.data.split == Spec.Split(by: .image, train: 0.7, validation: 0.15, test: 0.15, seed: 0))
        #expect(spec.data.preprocessing == Spec.Preprocessing(resize: nil, crop: nil, valueRange: nil,
                                                              randomHorizontalFlip: true, randomVerticalFlip: false))
        #expect(spec.checks.map(\.id) == ["metric.balanced_accuracy", "softmax_sums_to_one", "initial_loss", "deterministic",
                                          "overfit_batch", "invariance", "baseline.accuracy", "golden"])
        #expect(spec.checks.allSatisfy { $0.severity == .required && $0.onEmpty == .inconclusive })
        #expect(Spec.Check.OnEmpty.allCases.map(\.verdict) == [.fail, .skipped, .inconclusive])
        #expect(spec.checks.map(\.kind) == [
            .metric(.init(metric: .balancedAccuracy, threshold: 0.9, comparison: .atLeast, bound: .point, confidence: 0.95,
                          minSamples: 30)),
            .softmaxSumsToOne(tolerance: 1e-5, sample: 32),
            .initialLoss(tolerance: 0.02, sample: 32),
            .deterministic(sample: 8),
            .overfitBatch(steps: 30, images: 8),
            .invariance(.init(transforms: [.init(steps: [.rotate180])], minAgreement: 0.9, bound: .point, confidence: 0.95,
                              worst: 8, minSamples: 30)),
            .baseline(.init(model: root.appendingPathComponent("runs/old/model.npz"), metric: .accuracy, maxDrop: 0,
                            significance: 0.05, onMissing: .fail)),
            // The golden file is named after the spec, beside the runs.
            .golden(.init(file: root.appendingPathComponent("golden/minimal.json"), tolerance: 1e-4, images: 8)),
        ])
    }

    @Test func trainingDefaultsToTheRunFolderNamedAfterTheSpec() throws {
        let spec = try SpecTesting.parse(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              steps: 100
              patience: null
            checks:
              - check: no_leakage

            """))
        #expect(spec.training == Spec.Training(run: root.appendingPathComponent("runs/t"), steps: 100, patience: nil))
        let defaults = try SpecTesting.parse(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              steps: 100
            checks:
              - check: no_leakage

            """))
        #expect(defaults.training?.patience == 10)
    }

    @Test func valueRangeMayBeWrittenUnquoted() throws {
        let text = SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
              preprocessing:
                value_range: [-1, 1]
                flips: []
            checks:
              - check: no_leakage

            """)
        let spec = try SpecTesting.parse(text)
        #expect(spec.data.preprocessing == Spec.Preprocessing(valueRange: .minusOneToOne, randomHorizontalFlip: false))
    }

    @Test func metricNamesAreTheSnakeCaseRawValues() {
        #expect(Spec.Metric.allCases.map(\.rawValue) == [
            "accuracy", "balanced_accuracy", "precision", "recall", "sensitivity", "specificity", "f1",
            "false_negative_rate", "false_positive_rate", "roc_auc", "pr_auc", "expected_calibration_error",
        ])
        #expect(Spec.Metric(rawValue: "roc_auc") == .rocAUC)
        #expect(!Spec.Metric.falsePositiveRate.higherIsBetter)
        #expect(Spec.Metric.specificity.higherIsBetter)
    }

    @Test func kindNamesMatchTheSpellingInTheSpec() throws {
        let spec = try SpecTesting.parse(Self.full)
        #expect(spec.checks.map(\.kind.name) == [
            "output_shape", "finite_outputs", "softmax_sums_to_one", "initial_loss", "deterministic", "overfit_batch",
            "no_leakage", "invariance", "metric", "metric", "baseline", "golden",
        ])
    }
}
