import Checks
import Datasets
import Foundation
import Testing

/// Every kind of problem is reported with the right message at the right line and column.
@Suite struct SpecErrorTests {
    private func messages(_ text: String) -> [String] { SpecTesting.messages(text) }
    private func checkMessages(_ checks: String) -> [String] { SpecTesting.checkMessages(checks) }

    /// The header's data section with `extra` lines added to it (from line 12), then one check.
    private func dataMessages(_ extra: String) -> [String] {
        messages(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: extra + "checks:\n  - check: no_leakage\n"))
    }

    // MARK: - Keys and types

    @Test func unknownKeyIsReportedWhereItIsWithASuggestion() {
        let text = SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              steps: 600
              learning_rat: 0.05
            checks:
              - check: no_leakage

            """)
        #expect(messages(text) == ["t.spec:14:3: unknown key 'learning_rat' in training (did you mean 'learning_rate'?)"])
    }

    @Test func unknownKeysInEverySectionAreErrors() {
        let text = """
            modelcheck: 1
            nmae: t
            model:
              architecture: R14x0.5
              upstreem: x.npz
            data:
              folder: data
              split:
                by: image
                train: 0.8
                validation: 0.1
                test: 0.1
                shuffle: true
            checks:
              - check: softmax_sums_to_one
                tolerence: 1e-5

            """
        #expect(messages(text) == [
            "t.spec:1:1: missing required key 'name' in the spec",
            "t.spec:2:1: unknown key 'nmae' in the spec (did you mean 'name'?)",
            "t.spec:5:3: unknown key 'upstreem' in model (did you mean 'upstream'?)",
            "t.spec:13:5: unknown key 'shuffle' in data.split",
            "t.spec:16:5: unknown key 'tolerence' in softmax_sums_to_one check (did you mean 'tolerance'?)",
        ])
    }

    @Test func typeErrorsNameTheExpectedType() {
        let text = SpecTesting.header.replacingOccurrences(of: "checks:\n", with: """
            training:
              learning_rate: abc
              steps: 1.5
              decay: 300
              seed: -1
            checks:
              - check: softmax_sums_to_one
                sample: "64"

            """)
        #expect(messages(text) == [
            "t.spec:13:18: learning_rate: expected a number, got 'abc'",
            "t.spec:14:10: steps: expected an integer, got '1.5'",
            "t.spec:15:10: decay: expected a list of integers, got '300'",
            "t.spec:16:9: seed: must be at least 0, got -1",
            "t.spec:19:13: sample: expected an integer, got the quoted string '64'",
        ])
        #expect(dataMessages("  classes: Parasitized\n") == [
            "t.spec:12:12: classes: expected a list of strings, got 'Parasitized'",
        ])
        #expect(checkMessages("  - check: metric\n    metric: [accuracy]\n    min: 0.9\n") == [
            "t.spec:14:13: metric: expected a string, got a list",
        ])
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "model:\n  architecture: R14x0.5\n", with: "model: R14x0.5\n")
            + "  - check: no_leakage\n") == ["t.spec:3:8: model: expected a mapping, got 'R14x0.5'"])
    }

    @Test func missingRequiredKeysAreReportedAtTheEnclosingMapping() {
        let text = """
            modelcheck: 1
            name: t
            model:
              architecture: R14x0.5
            data:
              split:
                by: image
                validation: 0.1
                test: 0.1
            checks:
              - metric: accuracy

            """
        #expect(messages(text) == [
            "t.spec:6:3: missing required key 'folder' in data",
            "t.spec:7:5: missing required key 'train' in data.split",
            "t.spec:11:5: missing required key 'check' (the check's kind: output_shape, finite_outputs, "
                + "softmax_sums_to_one, initial_loss, deterministic, overfit_batch, no_leakage, invariance, robustness, colour_shift, operating_point, metric, "
                + "calibration, drift, baseline, golden)",
        ])
        #expect(messages("modelcheck: 1\nname: t\n") == [
            "t.spec:1:1: missing required key 'model' in the spec",
            "t.spec:1:1: missing required key 'data' in the spec",
            "t.spec:1:1: missing required key 'checks' in the spec",
        ])
        #expect(messages("modelcheck: 1\nname:\n").contains("t.spec:2:6: name: needs a value"))
    }

    // MARK: - Header and model

    @Test func onlyVersionOneIsKnown() {
        // A newer version's keys are not judged by version 1's rules.
        #expect(messages("modelcheck: 2\nname: t\nfuture_key: 1\n") == [
            "t.spec:1:13: modelcheck: unknown spec version 2; this modelcheck reads version 1",
        ])
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "modelcheck: 1\n", with: "")
            + "  - check: no_leakage\n") == ["t.spec:1:1: missing required key 'modelcheck' in the spec"])
    }

    @Test func nameMustBeUsableInFileNames() {
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "name: t", with: "name: my model/v2")
            + "  - check: no_leakage\n") == [
            "t.spec:2:7: name: 'my model/v2' may only contain letters, digits, '.', '_' and '-'",
        ])
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "name: t", with: "name: ..")
            + "  - check: no_leakage\n") == ["t.spec:2:7: name: '..' needs a letter, digit, '_' or '-'"])
    }

    @Test func modelNeedsExactlyOneSource() {
        let both = SpecTesting.header.replacingOccurrences(of: "  architecture: R14x0.5\n",
                                                           with: "  architecture: R14x0.5\n  upstream: x.npz\n")
        #expect(messages(both + "  - check: no_leakage\n") == [
            "t.spec:5:13: model: give either 'architecture' or 'upstream', not both",
        ])
        let neither = SpecTesting.header.replacingOccurrences(of: "model:\n  architecture: R14x0.5\n", with: "model: {}\n")
        #expect(messages(neither + "  - check: no_leakage\n") == [
            "t.spec:3:8: model: give 'architecture' (train from scratch) or 'upstream' (fine-tune a checkpoint)",
        ])
    }

    @Test func architectureNamesAreCheckedByTheEngine() {
        let text = SpecTesting.header.replacingOccurrences(of: "R14x0.5", with: "R13x1") + "  - check: no_leakage\n"
        #expect(messages(text) == [
            "t.spec:4:17: architecture: depth 13 in 'R13x1' is not one of 14, 26, 38, 50, 101, 152",
        ])
    }

    @Test func testTimeAugmentationIsOneOfItsNames() throws {
        func spec(_ value: String) -> String {
            SpecTesting.header.replacingOccurrences(of: "  architecture: R14x0.5\n", with: "  architecture: R14x0.5\n  test_time_augmentation: \(value)\n")
                + "  - check: no_leakage\n"
        }
        #expect(messages(spec("symetries")) == [
            "t.spec:5:27: test_time_augmentation: expected one of none, symmetries, got 'symetries' (did you mean 'symmetries'?)",
        ])
        #expect(try SpecTesting.parse(spec("symmetries")).testTimeAugmentation == .symmetries)
        #expect(try SpecTesting.parse(spec("none")).testTimeAugmentation == nil)
        #expect(try SpecTesting.parse(SpecTesting.header + "  - check: no_leakage\n").testTimeAugmentation == nil)
    }

    // MARK: - Data

    @Test func positiveClassMustBeOneOfTheClasses() {
        #expect(dataMessages("  classes: [Parasitized, Uninfected]\n  positive_class: parasitised\n") == [
            "t.spec:13:19: positive_class: 'parasitised' is not one of the classes (Parasitized, Uninfected) "
                + "(did you mean 'Parasitized'?)",
        ])
    }

    @Test func classesAreUniqueAndAtLeastTwo() {
        #expect(dataMessages("  classes: [A, B, A]\n") == ["t.spec:12:19: classes: 'A' is listed twice"])
        #expect(dataMessages("  classes: [A]\n") == ["t.spec:12:12: classes: a classifier needs at least 2 classes, got 1"])
    }

    @Test func choicesListTheAllowedValues() {
        #expect(dataMessages("  unreadable: ignore\n") == [
            "t.spec:12:15: unreadable: expected one of fail, skip, got 'ignore'",
        ])
        #expect(checkMessages("  - check: no_leakage\n    severity: warning\n") == [
            "t.spec:14:15: severity: expected one of required, warn, got 'warning' (did you mean 'warn'?)",
        ])
        #expect(checkMessages("  - check: no_leakage\n    on_empty: pass\n") == [
            "t.spec:14:15: on_empty: expected one of fail, skip, inconclusive, got 'pass'",
        ])
    }

    private func splitMessages(_ split: String) -> [String] {
        messages("""
            modelcheck: 1
            name: t
            model:
              architecture: R14x0.5
            data:
              folder: data
              split:
            \(split)
            checks:
              - check: no_leakage

            """)
    }

    @Test func groupSplitsNeedAValidPattern() {
        #expect(splitMessages("    by: group\n    train: 0.8\n    validation: 0.1\n    test: 0.1") == [
            "t.spec:8:5: missing required key 'group_pattern' in data.split (needed with 'by: group')",
        ])
        #expect(splitMessages("    by: group\n    group_pattern: '^(C[0-9]+'\n    train: 0.8\n    validation: 0.1\n    test: 0.1") == [
            "t.spec:9:20: group_pattern: '^(C[0-9]+' is not a valid regular expression",
        ])
        #expect(splitMessages("    by: image\n    group_pattern: '^(C[0-9]+)'\n    train: 0.8\n    validation: 0.1\n    test: 0.1") == [
            "t.spec:9:20: group_pattern: only used with 'by: group'",
        ])
        #expect(splitMessages("    by: patient\n    train: 0.8\n    validation: 0.1\n    test: 0.1") == [
            "t.spec:8:9: by: expected one of group, image, got 'patient'",
        ])
    }

    @Test func crossValidationSplitsNameWhatIsWrong() throws {
        let g = "    by: group\n    group_pattern: '^(C[0-9]+)'\n"
        #expect(splitMessages(g + "    folds: 5\n    fold: 2\n    validation: 0.1") == [])
        let spec = try SpecTesting.parse("modelcheck: 1\nname: t\nmodel:\n  architecture: R14x0.5\ndata:\n  folder: data\n  split:\n" + g
                             + "    folds: 5\n    fold: 2\n    validation: 0.1\n    seed: 3\nchecks:\n  - check: no_leakage\n")
        #expect(try spec.data.split.rule == SplitRule(folds: 5, fold: 2, validation: 0.1, seed: 3))
        #expect(splitMessages(g + "    folds: 5\n    fold: 2\n    validation: 0.1\n    test: 0.2") == [
            "t.spec:13:11: test: not used with 'folds' (the test part is one fold, training the rest)",
        ])
        #expect(splitMessages(g + "    folds: 5\n    fold: 5\n    validation: 0.1") == ["t.spec:11:11: fold: must be at most 4, got 5"])
        #expect(splitMessages(g + "    folds: 1\n    fold: 0\n    validation: 0.1") == ["t.spec:10:12: folds: must be at least 2, got 1"])
        #expect(splitMessages(g + "    folds: 5\n    validation: 0.1") == ["t.spec:8:5: missing required key 'fold' in data.split"])
        #expect(splitMessages(g + "    folds: 5\n    fold: 0\n    validation: 0.85") == [
            "t.spec:12:17: validation: must be between 0 and 1 − 1/folds, got 0.85",
        ])
        #expect(splitMessages(g + "    fold: 1\n    train: 0.8\n    validation: 0.1\n    test: 0.1") == [
            "t.spec:10:11: fold: needs 'folds' (how many folds the groups are dealt into)",
        ])
        #expect(splitMessages("    by: image\n    folds: 5\n    fold: 0\n    validation: 0.1") == [
            "t.spec:9:12: folds: only with 'by: group' (whole patients in each fold)",
        ])
    }

    @Test func fractionsArePositiveAndSumToOne() {
        #expect(splitMessages("    by: image\n    train: 0.8\n    validation: 0.1\n    test: 0.2") == [
            "t.spec:8:5: data.split: train + validation + test must add up to 1, got 1.1",
        ])
        #expect(splitMessages("    by: image\n    train: 0.9\n    validation: 0.1\n    test: 0") == [
            "t.spec:11:11: test: must be greater than 0, got 0",
        ])
        // Decimal fractions that do not add up exactly in binary are accepted.
        #expect(splitMessages("    by: image\n    train: 0.7\n    validation: 0.2\n    test: 0.1") == [])
    }

    @Test func cropMustFitInResize() {
        #expect(dataMessages("  preprocessing:\n    resize: 64\n    crop: 72\n") == [
            "t.spec:14:11: crop: 72 is larger than resize (64); the crop is cut from the resized image",
        ])
        #expect(dataMessages("  preprocessing:\n    resize: 4\n") == ["t.spec:13:13: resize: must be at least 8, got 4"])
    }

    @Test func preprocessingChoicesAreChecked() {
        #expect(dataMessages("  preprocessing:\n    value_range: \"[0, 255]\"\n    flips: [horizontal, diagonal, horizontal]\n") == [
            "t.spec:13:18: value_range: expected \"[-1, 1]\" or \"[0, 1]\", got '[0, 255]'",
            "t.spec:14:25: flips: expected one of horizontal, vertical, transpose, got 'diagonal'",
            "t.spec:14:35: flips: 'horizontal' is listed twice",
        ])
    }

    @Test func augmentationIsCheckedWithPositions() {
        #expect(dataMessages("""
              preprocessing:
                augment:
                  - stain_intensty
                  - {shift: hue_rotation, range: [20, -20]}
                  - {corruption: gaussian_blur, max_severity: 6, p: 1.5}
                  - {shift: white_balance, range: [0, .inf]}
                  - {corruption: saturation, range: [1, 2]}
                  - saturation
                  - {shift: saturation, p: 0.2}
                  - {shift: saturation, corruption: jpeg}
                  - {p: 0.3, rnage: [1, 2]}
                  - {shift: stain_intensity, range: [0, 2]}

            """) == [
            "t.spec:14:9: augment: expected one of stain_intensity, hue_rotation, saturation, white_balance, gaussian_noise, "
                + "shot_noise, gaussian_blur, defocus_blur, jpeg, pixelate, brightness, contrast, got 'stain_intensty' (did you mean 'stain_intensity'?)",
            "t.spec:15:38: range: the ends are swapped: write [-20, 20]",
            "t.spec:16:51: max_severity: must be at most 5, got 6",
            "t.spec:16:57: p: must be between 0 and 1, got 1.5",
            "t.spec:17:43: range: expected a number, got '.inf'",
            "t.spec:18:41: range: a corruption takes max_severity (1 to 5), not a range",
            "t.spec:20:9: augment: the colour shift 'saturation' is listed twice",
            "t.spec:21:9: augment: give 'shift' or 'corruption', not both",
            "t.spec:22:9: augment: each setting needs 'shift: <colour shift>' or 'corruption: <corruption>'",
            "t.spec:22:18: unknown key 'rnage' in data.preprocessing.augment (did you mean 'range'?)",
            "t.spec:23:42: range: stain_intensity must be above 0, got 0",
        ])
    }

    // MARK: - Training

    private func trainingMessages(_ training: String) -> [String] {
        messages(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: "training:\n" + training
            + "checks:\n  - check: no_leakage\n"))
    }

    @Test func decayStepsIncreaseAndEndBeforeTheLastStep() {
        #expect(trainingMessages("  steps: 500\n  decay: [300, 200, 600]\n") == [
            "t.spec:14:16: decay: steps must increase, got 200 after 300",
            "t.spec:14:21: decay: step 600 is not before the end of training (steps: 500)",
        ])
    }

    @Test func trainingValuesAreInRange() {
        let training = """
              steps: 0
              warmup: -1
              learning_rate: 0
              momentum: 1
              mixup: -0.5
              patience: 0
              threads: 0
              label_smoothing: 1
              weight_average: 1

            """
        #expect(trainingMessages(training) == [
            "t.spec:13:10: steps: must be at least 1, got 0",
            "t.spec:14:11: warmup: must be at least 0, got -1",
            "t.spec:15:18: learning_rate: must be greater than 0, got 0",
            "t.spec:16:13: momentum: must be in [0, 1), got 1",
            "t.spec:17:10: mixup: must be at least 0, got -0.5",
            "t.spec:18:13: patience: must be at least 1, got 0 (write 'patience: null' for no early stopping)",
            "t.spec:19:12: threads: must be at least 1, got 0",
            "t.spec:20:20: label_smoothing: must be in [0, 1), got 1",
            "t.spec:21:19: weight_average: must be in (0, 1), got 1",
        ])
        #expect(trainingMessages("  steps: 20\n  warmup: 30\n") == [
            "t.spec:14:11: warmup: 30 steps is longer than the whole run (steps: 20)",
        ])
    }

    /// Values no machine can hold are refused where they are written, not when an allocation aborts.
    @Test func trainingValuesHaveUpperBounds() {
        let training = """
              steps: 100000000
              batch: 1000000000
              threads: 100000

            """
        #expect(trainingMessages(training) == [
            "t.spec:13:10: steps: must be at most 10000000, got 100000000",
            "t.spec:14:10: batch: must be at most 65536, got 1000000000",
            "t.spec:15:12: threads: must be at most 1024, got 100000",
        ])
        #expect(trainingMessages("  batch: 16\n  micro_batch: 32\n") == [
            "t.spec:14:16: micro_batch: 32 is larger than the batch (batch: 16); a micro-batch is a slice of one step's batch",
        ])
        #expect(trainingMessages("  batch: 32\n  micro_batch: 32\n").isEmpty)
        #expect(checkMessages("  - check: overfit_batch\n    images: 100000000\n    steps: 20000\n") == [
            "t.spec:14:13: images: must be at most 4096, got 100000000",
            "t.spec:15:12: steps: must be at most 10000, got 20000",
        ])
        #expect(dataMessages("  preprocessing: {resize: 100000, crop: 64}\n") == ["t.spec:12:27: resize: must be at most 4096, got 100000"])
    }

    /// A data folder of one class, with no class list, is no classifier's data.
    @Test func aFolderOfOneClassIsRefused() throws {
        let folder = try SpecTesting.temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Parasitized"), withIntermediateDirectories: true)
        let text = SpecTesting.header.replacingOccurrences(of: "  folder: data\n", with: "  folder: \(folder.path)\n") + "  - check: no_leakage\n"
        #expect(SpecTesting.messages(text, checkFiles: true) == [
            "t.spec:6:11: folder: \(folder.path) has only the class folder Parasitized; a classifier needs at least 2 (one subfolder per class)",
        ])
    }

    /// Slice keys are checked where they are written: they need slice_by and a group pattern, and
    /// worst_slice bounds the side that is worse for the metric.
    @Test func sliceKeysAreValidatedWithTheirPositions() {
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n    min: 0.9\n    worst_slice: {min: 0.8}\n    min_slice_size: 0\n") == [
            "t.spec:16:18: worst_slice: needs slice_by (what the slices are)",
            "t.spec:17:21: min_slice_size: must be at least 1, got 0",
            "t.spec:17:21: min_slice_size: needs slice_by (what the slices are)",
        ])
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n    min: 0.9\n    slice_by: patient\n") == [
            "t.spec:16:15: slice_by: patient needs data.split.group_pattern, which names each image's patient",
        ])
        let grouped = SpecTesting.header.replacingOccurrences(of: "    by: image\n", with: "    by: group\n    group_pattern: '^(C[0-9]+)'\n")
        #expect(messages(grouped + "  - check: metric\n    metric: expected_calibration_error\n    max: 0.1\n    slice_by: patient\n    worst_slice: {min: 0.5}\n    max_gap: 2\n") == [
            "t.spec:18:18: worst_slice: expected_calibration_error is worse when higher; bound it with {max: VALUE}",
            "t.spec:19:14: max_gap: must be in (0, 1], got 2",
        ])
        #expect(messages(grouped + "  - check: metric\n    metric: accuracy\n    min: 0.9\n    slice_by: site\n    worst_slice: 0.8\n") == [
            "t.spec:17:15: slice_by: 'site' is neither patient nor a metadata column, and data has no metadata file "
                + "(or name the sets this check runs on with `sets:`)",
            "t.spec:18:18: worst_slice: expected {min: VALUE} or {max: VALUE}, got '0.8'",
        ])
        #expect(messages(grouped + "  - check: metric\n    metric: accuracy\n    min: 0.9\n    slice_by: patient\n    worst_slice: {min: 0.8}\n").isEmpty)
    }

    /// Evaluation sets: a list of {name, folder, group_pattern}, names unique, folders that exist.
    @Test func evaluationSetsAreValidatedWithTheirPositions() throws {
        let folder = try SpecTesting.temporaryFolder()
        for name in ["Parasitized", "Uninfected"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let file = folder.appendingPathComponent("a.txt")
        try Data("x".utf8).write(to: file)
        let sets = """
            evaluation:
              - name: a
                folder: \(folder.path)
              - name: a
                folder: \(file.path)
              - name: b
                folder: \(folder.path)
                group_pattern: '('
                site: x

            """
        let header = SpecTesting.header.replacingOccurrences(of: "  folder: data\n", with: "  folder: \(folder.path)\n")
        let text = header + "  - check: no_leakage\n" + sets
        let found = SpecTesting.messages(text, checkFiles: true)
        #expect(found == [
            "t.spec:17:11: name: evaluation set 'a' is named twice",
            "t.spec:18:13: folder: not a folder: \(file.path)",
            "t.spec:21:20: group_pattern: '(' is not a valid regular expression",
            "t.spec:22:5: unknown key 'site' in an evaluation set",
        ], "\(found)")
        #expect(SpecTesting.messages(header + "  - check: no_leakage\nevaluation: clinic\n", checkFiles: true)
                == ["t.spec:14:13: evaluation: expected a list of evaluation sets, got 'clinic'"])
    }

    /// Slices by metadata columns: the file must have a path column, each column sliced by must be
    /// in the metadata of every set the check runs on, and `sets` names sets the spec has.
    @Test func metadataSlicesAndSetsAreValidatedWithTheirPositions() throws {
        let folder = try SpecTesting.temporaryFolder()
        for name in ["Parasitized", "Uninfected", "clinic/Parasitized", "clinic/Uninfected"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let good = folder.appendingPathComponent("sites.csv"), pathless = folder.appendingPathComponent("bad.csv")
        try Data("path,site,stain\n".utf8).write(to: good)
        try Data("image,site,site\n".utf8).write(to: pathless)
        let header = SpecTesting.header.replacingOccurrences(of: "  folder: data\n", with: "  folder: \(folder.path)\n  metadata: \(good.path)\n")
        func found(_ text: String) -> [String] { SpecTesting.messages(text, checkFiles: true) }
        let metric = "  - check: metric\n    metric: accuracy\n    min: 0.9\n"
        #expect(found(header + metric + "    slice_by: [site, stain]\n").isEmpty)
        #expect(found(header + metric + "    slice_by: sitte\n") == [
            "t.spec:17:15: slice_by: 'sitte' is not a column of data.metadata (its columns: site, stain) (did you mean 'site'?)",
        ])
        #expect(found(header + metric + "    slice_by: [site, site]\n") == ["t.spec:17:22: slice_by: 'site' is listed twice"])
        let clinic = "evaluation:\n  - name: clinic\n    folder: \(folder.path)/clinic\n"
        #expect(found(header + metric + "    slice_by: site\n" + clinic) == [
            "t.spec:17:15: slice_by: 'site' is neither patient nor a metadata column, and evaluation set 'clinic' has no metadata file "
                + "(or name the sets this check runs on with `sets:`)",
        ])
        #expect(found(header + metric + "    slice_by: site\n    sets: [test]\n" + clinic).isEmpty)
        #expect(found(header + metric + "    sets: [tset, clinic]\n" + clinic) == [
            "t.spec:17:11: sets: no set named 'tset' (the spec has test, clinic) (did you mean 'test'?)",
        ])
        #expect(found(header + "  - check: output_shape\n    sets: [test]\n") == [
            "t.spec:15:11: sets: output_shape runs before training, on the training set-up; only post-train checks choose their data",
        ])
        #expect(found(header + "  - check: golden\n    sets: [test]\n") == [
            "t.spec:15:11: sets: golden judges the spec's own data only (never an evaluation set)",
        ])
        #expect(found(header + "  - check: no_leakage\nevaluation:\n  - name: test\n    folder: \(folder.path)/clinic\n") == [
            "t.spec:16:11: name: 'test' is the spec's own test split; give the evaluation set another name",
        ])
        let badMetadata = found(header.replacingOccurrences(of: good.path, with: pathless.path) + "  - check: no_leakage\n")
        #expect(badMetadata == [
            "t.spec:7:13: metadata: \(pathless.path): no 'path' column (the header has 'image', 'site', 'site'); column 'site' appears twice in the header",
        ])
        #expect(found(header.replacingOccurrences(of: good.path, with: folder.appendingPathComponent("none.csv").path) + "  - check: no_leakage\n") == [
            "t.spec:7:13: metadata: no such file: \(folder.appendingPathComponent("none.csv").path)",
        ])
    }

    /// Corruptions and colour shifts: names with did-you-mean, severities in 1–5, ranges in order and in range.
    @Test func perturbationKeysAreValidatedWithTheirPositions() {
        #expect(checkMessages("  - check: robustness\n    corruptions: [gaussian_nois, jpeg, jpeg]\n    severities: [0, 3, 6]\n") == [
            "t.spec:14:19: corruptions: expected one of gaussian_noise, shot_noise, gaussian_blur, defocus_blur, jpeg, pixelate, brightness, "
                + "contrast, saturation, got 'gaussian_nois' (did you mean 'gaussian_noise'?)",
            "t.spec:14:40: corruptions: 'jpeg' is listed twice",
            "t.spec:15:18: severities: must be at least 1, got 0",
            "t.spec:15:24: severities: must be at most 5, got 6",
        ])
        #expect(checkMessages("  - check: robustness\n    corruptions: [jpeg]\n    report_only: [pixelate]\n    max_flip_rate: 0\n") == [
            "t.spec:15:18: report_only: 'pixelate' is not among the corruptions measured",
            "t.spec:16:20: max_flip_rate: must be in (0, 1], got 0",
        ])
        #expect(checkMessages("  - check: colour_shift\n    shifts: {stain_intensity: [1.4, 0.7], hue_rotation: [-200, 10], saturation: [1, 1], "
                              + "white_balance: [0, 2], hue: [0, 1]}\n") == [
            "t.spec:14:31: shifts.stain_intensity: the ends are swapped; write [0.7, 1.4]",
            "t.spec:14:58: shifts.hue_rotation: must be within [-180, 180] degrees, got -200",
            "t.spec:14:81: shifts.saturation: the range [1, 1] is a single amount; give two different ends",
            "t.spec:14:105: shifts.white_balance: must be a factor > 0, got 0",
            "t.spec:14:112: shifts: expected one of stain_intensity, hue_rotation, saturation, white_balance, got 'hue' (did you mean 'hue_rotation'?)",
        ])
        #expect(checkMessages("  - check: colour_shift\n    shifts: {stain_intensity: [0.7, 1.4]}\n    steps: 1\n    metric: sensitivity\n") == [
            "t.spec:15:12: steps: must be at least 2, got 1",
            "t.spec:16:13: metric: sensitivity needs data.positive_class, the class that counts as positive",
        ])
        #expect(checkMessages("  - check: colour_shift\n    shifts: {stain_intensity: [0.7, 1.4]}\n    max_drop: 0.05\n    bound: upper\n").isEmpty)
    }

    // MARK: - Checks

    @Test func checksMustBeANonEmptyListOfMappings() {
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: "checks: []\n")) == [
            "t.spec:12:9: checks: list at least one check",
        ])
        #expect(messages(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: "checks: output_shape\n")) == [
            "t.spec:12:9: checks: expected a list of checks, got 'output_shape'",
        ])
        #expect(checkMessages("  - output_shape\n") == [
            "t.spec:13:5: checks: expected a mapping like 'check: output_shape', got 'output_shape'",
        ])
    }

    @Test func unknownCheckKindGetsASuggestion() {
        #expect(checkMessages("  - check: overfit_batc\n    steps: 10\n") == [
            "t.spec:13:12: unknown check kind 'overfit_batc' (did you mean 'overfit_batch'?)",
        ])
        // The common keys are still checked.
        #expect(checkMessages("  - check: softmax\n    severity: low\n") == [
            "t.spec:13:12: unknown check kind 'softmax' (did you mean 'softmax_sums_to_one'?)",
            "t.spec:14:15: severity: expected one of required, warn, got 'low'",
        ])
    }

    @Test func unknownMetricGetsASuggestion() {
        #expect(checkMessages("  - check: metric\n    metric: acuracy\n    min: 0.9\n") == [
            "t.spec:14:13: unknown metric 'acuracy' (did you mean 'accuracy'?)",
        ])
        #expect(checkMessages("  - check: baseline\n    model: b.npz\n    metric: AUC\n") == [
            "t.spec:15:13: unknown metric 'AUC'",
        ])
    }

    @Test func metricGatesTakeExactlyOneOfMinAndMax() {
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n    min: 0.9\n    max: 0.95\n") == [
            "t.spec:16:10: metric check: give either 'min' or 'max', not both",
        ])
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n") == [
            "t.spec:13:5: metric check: give 'min' or 'max'",
        ])
    }

    @Test func confidenceBoundMustFitTheDirection() {
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n    min: 0.9\n    bound: upper\n") == [
            "t.spec:16:12: bound: 'upper' goes with 'max', not 'min'",
        ])
        #expect(checkMessages("  - check: metric\n    metric: accuracy\n    max: 0.9\n    bound: lower\n") == [
            "t.spec:16:12: bound: 'lower' goes with 'min', not 'max'",
        ])
        #expect(checkMessages("  - check: invariance\n    transforms: [rotate90]\n    min_agreement: 0.9\n    bound: upper\n") == [
            "t.spec:16:12: bound: expected one of point, lower, got 'upper'",
        ])
    }

    @Test func thresholdsThatCanNeverFailOrPassAreErrors() {
        let gate = { (line: String) in self.checkMessages("  - check: metric\n    metric: accuracy\n" + line) }
        #expect(gate("    min: 0\n") == ["t.spec:15:10: min: threshold 0 can never fail; accuracy lies in [0, 1]"])
        #expect(gate("    max: 1\n") == ["t.spec:15:10: max: threshold 1 can never fail; accuracy lies in [0, 1]"])
        #expect(gate("    min: 1.2\n") == ["t.spec:15:10: min: threshold 1.2 can never pass; accuracy lies in [0, 1]"])
        #expect(gate("    max: -0.1\n") == ["t.spec:15:10: max: threshold -0.1 can never pass; accuracy lies in [0, 1]"])
        #expect(gate("    min: 1\n") == [])
        #expect(gate("    max: 0\n") == [])
    }

    @Test func binaryMetricsNeedAPositiveClass() {
        #expect(checkMessages("  - check: metric\n    metric: sensitivity\n    min: 0.9\n") == [
            "t.spec:14:13: metric: sensitivity needs data.positive_class, the class that counts as positive",
        ])
    }

    @Test func gateSettingsAreInRange() {
        let text = """
              - check: metric
                metric: accuracy
                min: 0.9
                confidence: 1
                min_samples: 0
              - check: baseline
                model: b.npz
                metric: accuracy
                max_drop: -0.01
                significance: 0
                on_missing: ignore
              - check: golden
                tolerance: 0
                images: 0

            """
        #expect(checkMessages(text) == [
            "t.spec:16:17: confidence: must be in (0, 1), got 1",
            "t.spec:17:18: min_samples: must be at least 1, got 0",
            "t.spec:21:15: max_drop: must be at least 0, got -0.01",
            "t.spec:22:19: significance: must be in (0, 1), got 0",
            "t.spec:23:17: on_missing: expected one of fail, skip, got 'ignore'",
            "t.spec:25:16: tolerance: must be greater than 0, got 0",
            "t.spec:26:13: images: must be at least 1, got 0",
        ])
    }

    @Test func transformsMustBeKnownDistinctAndNotTheIdentity() {
        let text = """
              - check: invariance
                transforms: [rotate90, rotate45, rotate90+flip_horizontl, rotate90+rotate270, flip_horizontal+flip_vertical, rotate180]
                min_agreement: 0.9

            """
        #expect(checkMessages(text) == [
            "t.spec:14:28: transforms: unknown transform 'rotate45' (did you mean 'rotate90'?)",
            "t.spec:14:38: transforms: unknown transform 'flip_horizontl' (did you mean 'flip_horizontal'?)",
            "t.spec:14:63: transforms: 'rotate90+rotate270' leaves every image as it is, so it can never fail",
            "t.spec:14:114: transforms: 'rotate180' is the same transform as 'flip_horizontal+flip_vertical'",
        ])
        #expect(checkMessages("  - check: invariance\n    transforms: []\n    min_agreement: 0\n") == [
            "t.spec:14:17: transforms: list at least one transform",
            "t.spec:15:20: min_agreement: must be in (0, 1], got 0",
        ])
    }

    @Test func checkIDsAreUnique() {
        let text = """
              - check: metric
                metric: accuracy
                min: 0.9
              - check: metric
                metric: accuracy
                min: 0.8
                bound: lower
              - check: deterministic
              - check: golden
                id: deterministic
              - check: no_leakage
                id: bad id
              - check: metric
                metric: accuracy
                min: 0

            """
        // The last check has a problem of its own, and its id is still compared.
        #expect(checkMessages(text) == [
            "t.spec:16:5: duplicate check id 'metric.accuracy' (first at 13:5); give one of them its own 'id'",
            "t.spec:22:9: duplicate check id 'deterministic' (first at 20:5); give one of them its own 'id'",
            "t.spec:24:9: id: 'bad id' may only contain letters, digits, '.', '_' and '-'",
            "t.spec:25:5: duplicate check id 'metric.accuracy' (first at 13:5); give one of them its own 'id'",
            "t.spec:27:10: min: threshold 0 can never fail; accuracy lies in [0, 1]",
        ])
    }

    @Test func goldenChecksWriteDifferentFiles() {
        #expect(checkMessages("  - check: golden\n  - check: golden\n    id: second\n") == [
            "t.spec:14:5: file: golden check 'golden' already uses /specs-under-test/golden/t.json; "
                + "give each golden check its own file",
        ])
    }

    // MARK: - All at once

    @Test func everyErrorIsReportedSortedByPosition() {
        // Checks come before data in this file, but are validated after it: the report is in file order.
        let text = """
            modelcheck: 1
            name: t
            checks:
              - check: metric
                metric: acuracy
                min: 0.9
              - check: overfit_batc
            model:
              architecture: R14x0.5
            data:
              folder: data
              split:
                by: image
                train: 0.8
                validation: 0.1
                test: abc
              preprocessing:
                resize: 64
                crop: 72

            """
        let errors = messages(text)
        #expect(errors == [
            "t.spec:5:13: unknown metric 'acuracy' (did you mean 'accuracy'?)",
            "t.spec:7:12: unknown check kind 'overfit_batc' (did you mean 'overfit_batch'?)",
            "t.spec:16:11: test: expected a number, got 'abc'",
            "t.spec:19:11: crop: 72 is larger than resize (64); the crop is cut from the resized image",
        ])
        do {
            _ = try SpecTesting.parse(text)
            Issue.record("the spec parsed")
        } catch let thrown as SpecErrors {
            #expect(thrown.description == errors.joined(separator: "\n"))
            #expect(thrown.errors.map(\.line) == [5, 7, 16, 19])
            #expect(thrown.errors.first == SpecError(file: "t.spec", line: 5, column: 13,
                                                     message: "unknown metric 'acuracy' (did you mean 'accuracy'?)"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: - YAML syntax

    @Test func yamlSyntaxErrorsCarryTheirPosition() {
        #expect(messages("modelcheck: 1\nname: t\nmodel\n  architecture: R14x0.5\n") == [
            "t.spec:4:15: YAML: while scanning a simple key at 3:1, could not find expected ':'",
        ])
        #expect(messages("modelcheck: 1\nchecks: [output_shape\nname: t\n") == [
            "t.spec:3:5: YAML: while parsing a flow sequence at 2:9, did not find expected ',' or ']'",
        ])
        #expect(messages("modelcheck: 1\nname: t\n\tmodel: x\n") == [
            "t.spec:3:1: YAML: while scanning a plain scalar at 2:7, found a tab character that violates indentation",
        ])
        #expect(messages("modelcheck: 1\nname: t\nname: u\n") == [
            "t.spec:2:1: YAML: key 'name' appears more than once in one mapping",
        ])
        #expect(messages("modelcheck: 1\n---\nname: t\n") == [
            "t.spec:2:1: YAML: expected a single document in the stream at 1:1, but found another document",
        ])
        #expect(messages("modelcheck: 1\nname: a\u{1}b\n") == ["t.spec:2:8: YAML: control characters are not allowed"])
    }

    @Test func emptyAndNonMappingSpecs() {
        #expect(messages("") == ["t.spec:1:1: the spec is empty; it starts with 'modelcheck: 1'"])
        #expect(messages("# only a comment\n") == ["t.spec:1:1: the spec is empty; it starts with 'modelcheck: 1'"])
        #expect(messages("- check: output_shape\n") == [
            "t.spec:1:1: expected a mapping of keys such as 'modelcheck: 1', got a list",
        ])
    }

    @Test func errorsPrintLikeACompilers() {
        #expect(SpecError(file: "Specs/malaria.spec", line: 14, column: 5, message: "unknown key").description
            == "Specs/malaria.spec:14:5: unknown key")
        #expect(SpecError(file: "Specs/x.spec", line: 0, column: 0, message: "no such spec file").description
            == "Specs/x.spec: no such spec file")
        let errors = SpecErrors([
            SpecError(file: "a", line: 3, column: 1, message: "third"),
            SpecError(file: "a", line: 1, column: 9, message: "second"),
            SpecError(file: "a", line: 1, column: 2, message: "first"),
            SpecError(file: "a", line: 3, column: 1, message: "fourth"),
        ])
        #expect(errors.errors.map(\.message) == ["first", "second", "third", "fourth"])
        #expect(errors.localizedDescription == "a:1:2: first\na:1:9: second\na:3:1: third\na:3:1: fourth")
    }

    /// A spec with thousands of problems prints the first ones and how many more, not thousands of lines.
    @Test func printedProblemsAreCapped() throws {
        let keys = (0..<60).map { "junk\($0): 1" }.joined(separator: "\n")
        do {
            _ = try SpecTesting.parse(SpecTesting.header + "  - check: output_shape\n" + keys + "\n")
            Issue.record("accepted")
        } catch let errors as SpecErrors {
            #expect(errors.errors.count >= 60)
            let lines = errors.description.split(separator: "\n")
            #expect(lines.count == SpecErrors.printedLimit + 1)
            #expect(lines.last == "… and \(errors.errors.count - SpecErrors.printedLimit) more problems in the same spec")
        }
    }

    @Test func calibrationKeysAreValidatedWhereTheyAre() {
        #expect(checkMessages("  - check: calibration\n    bins: 1\n    max_ece: 1.5\n    temperature: fitted\n") == [
            "t.spec:14:11: bins: must be at least 2, got 1",
            "t.spec:15:14: max_ece: must be in (0, 1), got 1.5",
            "t.spec:16:18: temperature: expected one of none, fit, got 'fitted' (did you mean 'fit'?)",
        ])
        #expect(checkMessages("  - check: calibration\n    bins: 1001\n    max_ece: 0\n    min_samples: 0\n") == [
            "t.spec:14:11: bins: must be at most 1000, got 1001",
            "t.spec:15:14: max_ece: must be in (0, 1), got 0",
            "t.spec:16:18: min_samples: must be at least 1, got 0",
        ])
        #expect(checkMessages("  - check: calibration\n    bins: 2.5\n    max_ece: low\n") == [
            "t.spec:14:11: bins: expected an integer, got '2.5'",
            "t.spec:15:14: max_ece: expected a number, got 'low'",
        ])
        #expect(checkMessages("  - check: metric\n    metric: brier\n    max: 0.2\n") == [
            "t.spec:14:13: unknown metric 'brier' (did you mean 'brier_score'?)",
        ])
        #expect(checkMessages("  - check: metric\n    metric: brier_score\n    max: 1\n") == [
            "t.spec:15:10: max: threshold 1 can never fail; brier_score lies in [0, 1]",
        ])
    }
}
