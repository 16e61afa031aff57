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
          learning_rate: 0.01
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
            run: root.appendingPathComponent("runs/custom"), steps: 600, batch: 64, microBatch: 32, learningRate: 0.01,
            warmup: 30, decay: [300, 450, 550], mixup: 0, momentum: 0.9, evalEvery: 25, patience: .after(12),
            checkpointEvery: 50, seed: 7, threads: 2))

        let checks = spec.checks
        #expect(checks.map(\.id) == ["output_shape", "finite_outputs", "softmax_sums_to_one", "initial_loss", "deterministic",
                                     "overfit_batch", "no_leakage", "invariance", "metric.accuracy", "fnr", "baseline.sensitivity", "golden"])
        #expect(checks.map(\.position) == [39, 40, 42, 45, 48, 50, 53, 55, 62, 68, 73, 79].map { SpecPosition(line: $0, column: 5) })
        #expect(checks.map(\.severity) == [.required, .warn] + Array(repeating: .required, count: 10))
        #expect(checks.map(\.onEmpty) == Array(repeating: .inconclusive, count: 6) + [.fail] + Array(repeating: .inconclusive, count: 4) + [.skip])
        func built<T: Check>(_ i: Int, _ type: T.Type) -> [T]? { checks[i].checks(SpecTesting.inputs) as? [T] }
        #expect(built(0, OutputShapeCheck.self) == [OutputShapeCheck(id: "output_shape")])
        #expect(built(1, FiniteOutputsCheck.self) == [FiniteOutputsCheck(id: "finite_outputs", severity: .warn)])
        #expect(built(2, SoftmaxCheck.self) == [SoftmaxCheck(id: "softmax_sums_to_one", tolerance: 1e-5, sample: 64)])
        #expect(built(3, InitialLossCheck.self) == [InitialLossCheck(id: "initial_loss", tolerance: 0.05, sample: 16)])
        #expect(built(4, DeterminismCheck.self) == [DeterminismCheck(id: "deterministic", sample: 8)])
        // The overfit check trains at the spec's learning rate.
        #expect(built(5, OverfitBatchCheck.self) == [OverfitBatchCheck(id: "overfit_batch", steps: 40, images: 4, learningRate: 0.01)])
        #expect(built(6, LeakageCheck.self) == [LeakageCheck(id: "no_leakage")])
        let transforms = [Spec.Transform(steps: [.rotate90]), Spec.Transform(steps: [.flipVertical]),
                          Spec.Transform(steps: [.rotate90, .flipHorizontal])]
        #expect(built(7, InvarianceCheck.self) == transforms.map {
            InvarianceCheck(id: "invariance.\($0.name)", transform: $0.composed, transformName: $0.name, minAgreement: 0.95,
                            gateLowerBound: true, confidence: 0.9, worst: 4, minSamples: 50)
        })
        #expect(built(8, MetricCheck.self) == [MetricCheck(id: "metric.accuracy", gate: .init(
            metric: .accuracy, threshold: 0.93, comparison: .atLeast, bound: .lower, confidence: 0.99, minSamples: 100))])
        #expect(built(9, MetricCheck.self) == [MetricCheck(id: "fnr", gate: .init(
            metric: .falseNegativeRate, threshold: 0.1, comparison: .atMost, bound: .upper, confidence: 0.95, minSamples: 30))])
        #expect(built(10, BaselineCheck.self) == [BaselineCheck(id: "baseline.sensitivity", config: .init(
            model: root.appendingPathComponent("runs/baseline/model.npz"), metric: .sensitivity, maxDrop: 0.02, significance: 0.01,
            onMissing: .skip))])
        #expect(built(11, GoldenCheck.self) == [GoldenCheck(
            id: "golden", file: root.appendingPathComponent("golden/malaria-embedded.json"), tolerance: 1e-4, images: 6,
            modelSHA256: SpecTesting.inputs.modelSHA256, environment: SpecTesting.inputs.environment)])
        #expect(checks.map(\.kind.phase) == Array(repeating: .preTrain, count: 7) + Array(repeating: .postTrain, count: 5))
    }

    @Test func calibrationEntriesBuildTheirChecks() throws {
        let spec = try SpecTesting.parse(SpecTesting.header + """
              - check: calibration
              - check: calibration
                id: scaled
                bins: 15
                max_ece: 0.05
                temperature: fit
                min_samples: 200
                severity: warn

            """)
        let built = spec.checks.flatMap { $0.checks(SpecTesting.inputs) }.compactMap { $0 as? CalibrationCheck }
        #expect(built == [
            CalibrationCheck(id: "calibration", bins: 10, maxECE: nil, fitTemperature: false, minSamples: 30),
            CalibrationCheck(id: "scaled", severity: .warn, bins: 15, maxECE: 0.05, fitTemperature: true, minSamples: 200),
        ])
        #expect(spec.checks.map(\.kind.phase) == [.postTrain, .postTrain])
        #expect(CalibrationCheck.settings(of: spec.checks[1]) == (15, true))
    }

    @Test func transformsComposeLeftToRight() throws {
        let spec = try SpecTesting.parse(Self.full)
        let transforms = InvarianceCheck.transforms(of: spec.checks[7])
        #expect(transforms.map(\.name) == ["rotate90", "flip_vertical", "rotate90+flip_horizontal"])
        // Rotating a quarter turn, then mirroring left-right, mirrors about the anti-diagonal.
        #expect(transforms[2].steps == [.rotate90, .flipHorizontal])
        #expect(transforms[2].composed == ImageTransform.rotate90.then(.flipHorizontal))
        #expect(transforms[2].composed == .antiTranspose)
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
        let built = spec.checks.map { $0.checks(SpecTesting.inputs) }
        #expect(built[0] as? [MetricCheck] == [MetricCheck(id: "metric.balanced_accuracy", gate: .init(
            metric: .balancedAccuracy, threshold: 0.9, comparison: .atLeast, bound: .point, confidence: 0.95, minSamples: 30))])
        #expect(built[1] as? [SoftmaxCheck] == [SoftmaxCheck(tolerance: 1e-5, sample: 32)])
        #expect(built[2] as? [InitialLossCheck] == [InitialLossCheck(tolerance: 0.02, sample: 32)])
        #expect(built[3] as? [DeterminismCheck] == [DeterminismCheck(sample: 8)])
        // Without a training learning rate, the overfit check's own.
        #expect(built[4] as? [OverfitBatchCheck] == [OverfitBatchCheck(steps: 30, images: 8, learningRate: 0.05)])
        #expect(built[5] as? [InvarianceCheck] == [InvarianceCheck(
            id: "invariance.rotate180", transform: .rotate180, transformName: "rotate180", minAgreement: 0.9, gateLowerBound: false,
            confidence: 0.95, worst: 8, minSamples: 30)])
        #expect(built[6] as? [BaselineCheck] == [BaselineCheck(id: "baseline.accuracy", config: .init(
            model: root.appendingPathComponent("runs/old/model.npz"), metric: .accuracy, maxDrop: 0, significance: 0.05, onMissing: .fail))])
        // The golden file is named after the spec, beside the runs.
        #expect(built[7] as? [GoldenCheck] == [GoldenCheck(
            file: root.appendingPathComponent("golden/minimal.json"), tolerance: 1e-4, images: 8,
            modelSHA256: SpecTesting.inputs.modelSHA256, environment: SpecTesting.inputs.environment)])
    }

    @Test func trainingDefaultsToTheRunFolderNamedAfterTheSpec() throws {
        let spec = try SpecTesting.parse(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              steps: 100
              patience: null
            checks:
              - check: no_leakage

            """))
        #expect(spec.training == Spec.Training(run: root.appendingPathComponent("runs/t"), steps: 100, patience: .off))
        let defaults = try SpecTesting.parse(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              steps: 100
            checks:
              - check: no_leakage

            """))
        // Left to the trainer's default.
        #expect(defaults.training?.patience == .unset)
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

    @Test func augmentTakesNamesWithTheirDefaultsOrSettings() throws {
        let text = SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
              preprocessing:
                augment:
                  - stain_intensity
                  - saturation
                  - gaussian_blur
                  - {shift: hue_rotation, range: [-20, 15], p: 0.25}
                  - {corruption: saturation, max_severity: 3}
                  - {corruption: jpeg, p: 1}
            checks:
              - check: no_leakage

            """)
        let spec = try SpecTesting.parse(text)
        let expected = [
            Augmentation(.colourShift(.stainIntensity, range: 0.8...1.25)),
            // Bare, `saturation` is the colour shift; the corruption is asked for by name.
            Augmentation(.colourShift(.saturation, range: 0.75...1.25)),
            Augmentation(.corruption(.gaussianBlur, maxSeverity: CorruptionSeverity.all[1])),
            Augmentation(.colourShift(.hueRotation, range: -20...15), probability: 0.25),
            Augmentation(.corruption(.saturation, maxSeverity: CorruptionSeverity.all[2])),
            Augmentation(.corruption(.jpeg, maxSeverity: CorruptionSeverity.all[1]), probability: 1),
        ]
        #expect(spec.data.preprocessing.augmentation.map(Optional.some) == expected)
        #expect(try SpecTesting.parse(SpecTesting.header + "  - check: no_leakage\n").data.preprocessing.augmentation.isEmpty)
    }

    @Test func metricNamesAreTheSnakeCaseRawValues() {
        #expect(Spec.Metric.allCases.map(\.rawValue) == [
            "accuracy", "balanced_accuracy", "precision", "recall", "sensitivity", "specificity", "f1",
            "false_negative_rate", "false_positive_rate", "roc_auc", "pr_auc", "expected_calibration_error", "brier_score",
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
