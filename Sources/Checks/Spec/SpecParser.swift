import BiT
import Datasets
import Foundation
import Imaging
import Yams

/// Turns spec text into a `Spec`. It walks Yams' node tree rather than decoding, because only
/// the nodes keep each value's line and column, and it collects every problem instead of
/// stopping at the first, so that one run shows the user all there is to fix.
struct SpecParser {
    let file: String
    let baseDirectory: URL
    let checkFiles: Bool
    private var errors: [SpecError] = []

    /// A parser reporting problems under the name `file`, resolving paths against `baseDirectory`.
    init(file: String, baseDirectory: URL, checkFiles: Bool) {
        (self.file, self.baseDirectory, self.checkFiles) = (file, baseDirectory.absoluteURL.standardizedFileURL, checkFiles)
    }

    /// The validated spec, or `SpecErrors` with every problem found.
    mutating func parse(_ text: String, specFile: URL, sha256: String) throws -> Spec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw SpecErrors([syntaxError(error, in: text)])
        }
        guard let root else {
            throw SpecErrors([SpecError(file: file, line: 1, column: 1, message: "the spec is empty; it starts with 'modelcheck: 1'")])
        }
        let spec = self.spec(root, specFile: specFile, sha256: sha256)
        guard errors.isEmpty, let spec else { throw SpecErrors(errors) }
        return spec
    }

    // MARK: - Sections

    /// Each check kind with the keys of its own, in the order the docs list them.
    private static let kindKeys: [(kind: String, keys: [String])] = [
        ("output_shape", []), ("finite_outputs", []),
        ("softmax_sums_to_one", ["tolerance", "sample"]), ("initial_loss", ["tolerance", "sample"]),
        ("deterministic", ["sample"]), ("overfit_batch", ["steps", "images"]), ("no_leakage", []),
        ("invariance", ["transforms", "min_agreement", "bound", "confidence", "worst", "min_samples"]),
        ("metric", ["metric", "min", "max", "bound", "confidence", "min_samples"]),
        ("baseline", ["model", "metric", "max_drop", "significance", "on_missing"]),
        ("golden", ["file", "tolerance", "images"]),
    ]
    private static let kinds = kindKeys.map(\.kind)
    private static let commonCheckKeys = ["check", "id", "severity", "on_empty"]

    private mutating func spec(_ root: Node, specFile: URL, sha256: String) -> Spec? {
        // Judged first and alone: another version's keys would only add noise.
        if let node = root.mapping?["modelcheck"], node.tagName == .int, let v = node.int, !Spec.knownVersions.contains(v) {
            report(node, "modelcheck: unknown spec version \(v); this modelcheck reads version "
                + Spec.knownVersions.map(String.init).joined(separator: ", "))
            return nil
        }
        guard let fields = fields(of: root, context: "the spec", key: nil,
                                  allowed: ["modelcheck", "name", "description", "model", "data", "training", "checks"])
        else { return nil }
        let version = require("modelcheck", in: fields).flatMap { integer($0, "modelcheck", atLeast: nil) }
        let name = require("name", in: fields).flatMap { identifier($0, "name") }
        let description = fields["description"].flatMap { string($0, "description") }
        let model = require("model", in: fields).flatMap { self.model($0) }
        let data = require("data", in: fields).flatMap { self.data($0) }
        // Metrics that need a positive class should not add an error when one is named but invalid.
        let positiveClassGiven = fields["data"]?.mapping?["positive_class"] != nil
        let training = fields["training"].flatMap { self.training($0, name: name) }
        let checks = require("checks", in: fields).flatMap { self.checks($0, name: name, positiveClassGiven: positiveClassGiven) }
        guard let version, let name, let model, let data, let checks else { return nil }
        if fields["training"] != nil, training == nil { return nil }
        return Spec(version: version, name: name, description: description, model: model, data: data,
                    training: training, checks: checks, file: specFile, sha256: sha256)
    }

    private mutating func model(_ node: Node) -> Spec.Model? {
        guard let fields = fields(of: node, context: "model", key: "model", allowed: ["architecture", "upstream"]) else { return nil }
        switch (fields["architecture"], fields["upstream"]) {
        case (nil, nil):
            report(node, "model: give 'architecture' (train from scratch) or 'upstream' (fine-tune a checkpoint)")
            return nil
        case (.some, .some(let upstream)):
            report(upstream, "model: give either 'architecture' or 'upstream', not both")
            return nil
        case (.some(let architecture), nil):
            guard let text = string(architecture, "architecture") else { return nil }
            do {
                return .architecture(try ResNetV2Architecture(named: text))
            } catch {
                report(architecture, "architecture: \(error)")
                return nil
            }
        case (nil, .some(let upstream)):
            guard let url = path(upstream, "upstream") else { return nil }
            guard existingFile(url, node: upstream, key: "upstream", suffix: "") else { return nil }
            return .upstream(url)
        }
    }

    private mutating func data(_ node: Node) -> Spec.Data? {
        guard let fields = fields(of: node, context: "data", key: "data",
                                  allowed: ["folder", "classes", "positive_class", "unreadable", "split", "preprocessing"])
        else { return nil }
        var ok = true
        let folderNode = require("folder", in: fields)
        var folder = folderNode.flatMap { path($0, "folder") }
        if let url = folder, let folderNode, checkFiles {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                report(folderNode, "folder: no such folder: \(url.path)")
                folder = nil
            } else if !isFolder.boolValue {
                report(folderNode, "folder: not a folder: \(url.path)")
                folder = nil
            }
        }
        var classes: [String]?
        if let node = fields["classes"] {
            classes = self.classes(node)
            ok = ok && classes != nil
        }
        // Class names can be checked against the folder only once it is known to be there.
        let found = checkFiles ? folder.map { (folder: $0, classes: Self.classFolders($0)) } : nil
        if let classes, let found, let node = fields["classes"] {
            ok = matchClasses(classes, folders: found.classes, node: node, folder: found.folder) && ok
        }
        var positiveClass: String?
        if let node = fields["positive_class"], let name = string(node, "positive_class") {
            if let classes, !classes.contains(name) {
                report(node, "positive_class: '\(name)' is not one of the classes (\(classes.joined(separator: ", ")))"
                    + Suggestion.hint(for: name, among: classes))
                ok = false
            } else if fields["classes"] == nil, let found, !found.classes.contains(name) {
                report(node, "positive_class: '\(name)' is not a class folder in \(found.folder.path)"
                    + Suggestion.hint(for: name, among: found.classes))
                ok = false
            } else {
                positiveClass = name
            }
        } else if fields["positive_class"] != nil {
            ok = false
        }
        var unreadable = UnreadableImagePolicy.fail
        if let node = fields["unreadable"] {
            if let policy = choice(node, "unreadable", among: UnreadableImagePolicy.allCases) { unreadable = policy } else { ok = false }
        }
        let split = require("split", in: fields).flatMap { self.split($0) }
        var preprocessing = Spec.Preprocessing()
        if let node = fields["preprocessing"] {
            if let parsed = self.preprocessing(node) { preprocessing = parsed } else { ok = false }
        }
        guard ok, let folder, let split else { return nil }
        return Spec.Data(folder: folder, classes: classes, positiveClass: positiveClass, unreadable: unreadable,
                         split: split, preprocessing: preprocessing)
    }

    private mutating func classes(_ node: Node) -> [String]? {
        guard let items = list(node, "classes", of: "strings") else { return nil }
        var names: [String] = [], ok = true
        for item in items {
            guard let name = string(item, "classes") else { ok = false; continue }
            if names.contains(name) {
                report(item, "classes: '\(name)' is listed twice")
                ok = false
            }
            names.append(name)
        }
        if ok, names.count < 2 {
            report(node, "classes: a classifier needs at least 2 classes, got \(names.count)")
            ok = false
        }
        return ok ? names : nil
    }

    /// The class folders, as `ImageFolder` would find them: the non-hidden folders in the root.
    private static func classFolders(_ root: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
    }

    /// `ImageFolder` wants every class folder listed exactly once: say now what it would refuse later.
    private mutating func matchClasses(_ classes: [String], folders: [String], node: Node, folder: URL) -> Bool {
        var ok = true
        for (name, item) in zip(classes, node.sequence.map(Array.init) ?? []) where !folders.contains(name) {
            report(item, "classes: no folder '\(name)' in \(folder.path)" + Suggestion.hint(for: name, among: folders))
            ok = false
        }
        let unlisted = folders.filter { !classes.contains($0) }
        if !unlisted.isEmpty {
            report(node, "classes: \(folder.path) also has the class folders \(unlisted.joined(separator: ", ")); list every class")
            ok = false
        }
        return ok
    }

    private mutating func split(_ node: Node) -> Spec.Split? {
        guard let fields = fields(of: node, context: "data.split", key: "split",
                                  allowed: ["by", "group_pattern", "train", "validation", "test", "seed"])
        else { return nil }
        var ok = true
        let by = require("by", in: fields).flatMap { choice($0, "by", among: [SplitRule.Unit.group, .image]) }
        var groupPattern: String?
        if let patternNode = fields["group_pattern"] {
            groupPattern = string(patternNode, "group_pattern")
            if let pattern = groupPattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                report(patternNode, "group_pattern: '\(pattern)' is not a valid regular expression")
                groupPattern = nil
                ok = false
            } else if by == .image {
                report(patternNode, "group_pattern: only used with 'by: group'")
                ok = false
            }
            ok = ok && groupPattern != nil
        } else if by == .group {
            report(node, "missing required key 'group_pattern' in data.split (needed with 'by: group')")
            ok = false
        }
        var fractions: [Double?] = []
        for key in ["train", "validation", "test"] {
            fractions.append(require(key, in: fields).flatMap { bounded($0, key, "greater than 0") { $0 > 0 } })
        }
        var seed: UInt64 = 0
        if let seedNode = fields["seed"] {
            if let value = integer(seedNode, "seed", atLeast: 0) { seed = UInt64(value) } else { ok = false }
        }
        guard let by, let train = fractions[0], let validation = fractions[1], let test = fractions[2] else { return nil }
        let sum = train + validation + test
        if abs(sum - 1) > 1e-9 {
            report(node, "data.split: train + validation + test must add up to 1, got \(Self.format(sum))")
            ok = false
        }
        guard ok else { return nil }
        return Spec.Split(by: by, groupPattern: groupPattern, train: train, validation: validation, test: test, seed: seed)
    }

    private mutating func preprocessing(_ node: Node) -> Spec.Preprocessing? {
        guard let fields = fields(of: node, context: "data.preprocessing", key: "preprocessing",
                                  allowed: ["resize", "crop", "value_range", "flips"])
        else { return nil }
        var result = Spec.Preprocessing(), ok = true
        if let n = fields["resize"] {
            result.resize = integer(n, "resize", atLeast: 8)
            ok = ok && result.resize != nil
        }
        if let n = fields["crop"] {
            result.crop = integer(n, "crop", atLeast: 8)
            if let crop = result.crop, let resize = result.resize, crop > resize {
                report(n, "crop: \(crop) is larger than resize (\(resize)); the crop is cut from the resized image")
                result.crop = nil
            }
            ok = ok && result.crop != nil
        }
        if let n = fields["value_range"] {
            result.valueRange = valueRange(n)
            ok = ok && result.valueRange != nil
        }
        if let n = fields["flips"] {
            if let items = list(n, "flips", of: "strings") {
                var seen: [String] = []
                for item in items {
                    guard let flip = choice(item, "flips", among: ["horizontal", "vertical", "transpose"]) else { ok = false; continue }
                    if seen.contains(flip) {
                        report(item, "flips: '\(flip)' is listed twice")
                        ok = false
                    }
                    seen.append(flip)
                }
                result.randomHorizontalFlip = seen.contains("horizontal")
                result.randomVerticalFlip = seen.contains("vertical")
                result.randomTranspose = seen.contains("transpose")
            } else {
                ok = false
            }
        }
        return ok ? result : nil
    }

    /// `"[-1, 1]"` as the docs write it, or the list `[-1, 1]` that YAML makes of it unquoted.
    private mutating func valueRange(_ node: Node) -> ModelMetadata.ValueRange? {
        let expected = "value_range: expected \"[-1, 1]\" or \"[0, 1]\", got "
        if let items = node.sequence.map(Array.init) {
            let ends = items.compactMap { $0.scalar.flatMap(Double.construct) }
            switch ends {
            case [-1, 1]: return .minusOneToOne
            case [0, 1]: return .zeroToOne
            default:
                report(node, expected + "[\(items.map { $0.scalar?.string ?? "…" }.joined(separator: ", "))]")
                return nil
            }
        }
        guard let text = string(node, "value_range") else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        if let range = ModelMetadata.ValueRange.allCases.first(where: { $0.rawValue.filter { !$0.isWhitespace } == compact }) {
            return range
        }
        report(node, expected + "'\(text)'")
        return nil
    }

    private mutating func training(_ node: Node, name: String?) -> Spec.Training? {
        guard let fields = fields(of: node, context: "training", key: "training", nullable: ["patience"],
                                  allowed: ["run", "steps", "batch", "micro_batch", "learning_rate", "warmup", "decay",
                                            "mixup", "momentum", "eval_every", "patience", "checkpoint_every", "seed",
                                            "threads"])
        else { return nil }
        var ok = true
        var run: URL?
        if let n = fields["run"] {
            run = path(n, "run")
            ok = ok && run != nil
        } else if let name {
            run = baseDirectory.deletingLastPathComponent().appendingPathComponent("runs").appendingPathComponent(name)
        }
        // Each optional integer: absent is fine, present must be valid.
        func optionalInt(_ key: String, atLeast minimum: Int) -> Int? {
            guard let n = fields[key] else { return nil }
            let value = integer(n, key, atLeast: minimum)
            ok = ok && value != nil
            return value
        }
        func optionalNumber(_ key: String, _ expectation: String, _ valid: (Double) -> Bool) -> Double? {
            guard let n = fields[key] else { return nil }
            let value = bounded(n, key, expectation, valid)
            ok = ok && value != nil
            return value
        }
        let steps = optionalInt("steps", atLeast: 1)
        let batch = optionalInt("batch", atLeast: 1)
        let microBatch = optionalInt("micro_batch", atLeast: 1)
        let learningRate = optionalNumber("learning_rate", "greater than 0") { $0 > 0 }
        var warmup = optionalInt("warmup", atLeast: 0)
        if let w = warmup, let steps, w > steps, let n = fields["warmup"] {
            report(n, "warmup: \(w) steps is longer than the whole run (steps: \(steps))")
            warmup = nil
            ok = false
        }
        var decay: [Int]?
        if let n = fields["decay"] {
            decay = self.decay(n, steps: steps)
            ok = ok && decay != nil
        }
        let mixup = optionalNumber("mixup", "at least 0") { $0 >= 0 }
        let momentum = optionalNumber("momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        let evalEvery = optionalInt("eval_every", atLeast: 1)
        var patience: Int? = 10
        if let n = fields["patience"] {
            if n.isNull {
                patience = nil
            } else {
                patience = integer(n, "patience", atLeast: 1, hint: " (write 'patience: null' for no early stopping)")
                ok = ok && patience != nil
            }
        }
        let checkpointEvery = optionalInt("checkpoint_every", atLeast: 1)
        let seed = optionalInt("seed", atLeast: 0).map(UInt64.init)
        let threads = optionalInt("threads", atLeast: 1)
        guard ok, let run else { return nil }
        return Spec.Training(run: run, steps: steps, batch: batch, microBatch: microBatch, learningRate: learningRate,
                             warmup: warmup, decay: decay, mixup: mixup, momentum: momentum, evalEvery: evalEvery,
                             patience: patience, checkpointEvery: checkpointEvery, seed: seed, threads: threads)
    }

    private mutating func decay(_ node: Node, steps: Int?) -> [Int]? {
        guard let items = list(node, "decay", of: "integers") else { return nil }
        var values: [Int] = [], ok = true
        for item in items {
            guard let value = integer(item, "decay", atLeast: 1) else { ok = false; continue }
            if let last = values.last, value <= last {
                report(item, "decay: steps must increase, got \(value) after \(last)")
                ok = false
            } else if let steps, value >= steps {
                report(item, "decay: step \(value) is not before the end of training (steps: \(steps))")
                ok = false
            }
            values.append(value)
        }
        return ok ? values : nil
    }

    // MARK: - Checks

    private mutating func checks(_ node: Node, name: String?, positiveClassGiven: Bool) -> [Spec.Check]? {
        guard let items = list(node, "checks", of: "checks") else { return nil }
        guard !items.isEmpty else {
            report(node, "checks: list at least one check")
            return nil
        }
        var checks: [Spec.Check] = [], ok = true
        var ids: [String: SpecPosition] = [:]
        var goldenFiles: [URL: String] = [:]
        for item in items {
            // Ids are compared even for checks with other problems, so that all show at once.
            let (id, check) = self.check(item, name: name, positiveClassGiven: positiveClassGiven)
            if let id {
                if let first = ids[id] {
                    report(item.mapping?["id"] ?? item, "duplicate check id '\(id)' (first at \(first)); give one of them its own 'id'")
                    ok = false
                } else {
                    ids[id] = position(item)
                }
            }
            guard let check else { ok = false; continue }
            if case .golden(let golden) = check.kind {
                if let other = goldenFiles[golden.file] {
                    report(item.mapping?["file"] ?? item,
                           "file: golden check '\(other)' already uses \(golden.file.path); give each golden check its own file")
                    ok = false
                } else {
                    goldenFiles[golden.file] = check.id
                }
            }
            checks.append(check)
        }
        return ok ? checks : nil
    }

    /// The check, and its id whenever that is known, even if the check has other problems.
    private mutating func check(_ node: Node, name: String?, positiveClassGiven: Bool) -> (id: String?, check: Spec.Check?) {
        guard let mapping = node.mapping else {
            report(node, "checks: expected a mapping like 'check: output_shape', got \(Self.describe(node))")
            return (nil, nil)
        }
        var kindName: String?
        if let kindNode = mapping["check"], let text = string(kindNode, "check") {
            if Self.kinds.contains(text) {
                kindName = text
            } else {
                report(kindNode, "unknown check kind '\(text)'" + Suggestion.hint(for: text, among: Self.kinds))
            }
        } else if mapping["check"] == nil {
            report(node, "missing required key 'check' (the check's kind: \(Self.kinds.joined(separator: ", ")))")
        }
        // Without a known kind its own keys cannot be judged: check only the common ones.
        let allowed = kindName.flatMap { kind in Self.kindKeys.first { $0.kind == kind } }.map { Self.commonCheckKeys + $0.keys }
        guard let fields = fields(of: node, context: "\(kindName ?? "this") check", key: "checks",
                                  allowed: allowed ?? Self.commonCheckKeys, reportUnknown: allowed != nil)
        else { return (nil, nil) }
        var ok = true
        var id: String?
        if let n = fields["id"] {
            id = identifier(n, "id")
            ok = ok && id != nil
        } else if let kindName {
            id = Self.defaultID(kind: kindName, metric: fields["metric"])
        }
        var severity = CheckResult.Severity.required
        if let n = fields["severity"] {
            if let value = choice(n, "severity", among: [CheckResult.Severity.required, .warn]) { severity = value } else { ok = false }
        }
        var onEmpty = Spec.Check.OnEmpty.inconclusive
        if let n = fields["on_empty"] {
            if let value = choice(n, "on_empty", among: Spec.Check.OnEmpty.allCases) { onEmpty = value } else { ok = false }
        }
        guard let kindName, let kind = kind(kindName, fields, name: name, positiveClassGiven: positiveClassGiven),
              ok, let id else { return (id, nil) }
        return (id, Spec.Check(id: id, severity: severity, onEmpty: onEmpty, kind: kind, position: position(node)))
    }

    /// The kind's name, or for metric and baseline checks "kind.metric"; nil while the metric is unknown.
    private static func defaultID(kind: String, metric: Node?) -> String? {
        guard kind == "metric" || kind == "baseline" else { return kind }
        guard let text = metric?.scalar?.string, Spec.Metric(rawValue: text) != nil else { return nil }
        return "\(kind).\(text)"
    }

    private mutating func kind(_ kindName: String, _ fields: Fields, name: String?, positiveClassGiven: Bool) -> Spec.Check.Kind? {
        var ok = true
        func int(_ key: String, atLeast minimum: Int, default value: Int) -> Int {
            guard let n = fields[key] else { return value }
            guard let parsed = integer(n, key, atLeast: minimum) else { ok = false; return value }
            return parsed
        }
        func num(_ key: String, _ expectation: String, default value: Double, _ valid: (Double) -> Bool) -> Double {
            guard let n = fields[key] else { return value }
            guard let parsed = bounded(n, key, expectation, valid) else { ok = false; return value }
            return parsed
        }
        func metric(_ key: String) -> Spec.Metric? {
            guard let n = require(key, in: fields) else { return nil }
            guard let text = string(n, key) else { return nil }
            guard let metric = Spec.Metric(rawValue: text) else {
                report(n, "unknown metric '\(text)'" + Suggestion.hint(for: text, among: Spec.Metric.allCases.map(\.rawValue)))
                return nil
            }
            if metric.needsPositiveClass, !positiveClassGiven {
                report(n, "\(key): \(text) needs data.positive_class, the class that counts as positive")
                return nil
            }
            return metric
        }
        let result: Spec.Check.Kind?
        switch kindName {
        case "output_shape": result = .outputShape
        case "finite_outputs": result = .finiteOutputs
        case "no_leakage": result = .noLeakage
        case "softmax_sums_to_one":
            result = .softmaxSumsToOne(tolerance: num("tolerance", "greater than 0", default: 1e-5) { $0 > 0 },
                                       sample: int("sample", atLeast: 1, default: 32))
        case "initial_loss":
            result = .initialLoss(tolerance: num("tolerance", "greater than 0", default: 0.02) { $0 > 0 },
                                  sample: int("sample", atLeast: 1, default: 32))
        case "deterministic":
            result = .deterministic(sample: int("sample", atLeast: 1, default: 8))
        case "overfit_batch":
            result = .overfitBatch(steps: int("steps", atLeast: 1, default: 30), images: int("images", atLeast: 1, default: 8))
        case "invariance":
            let transforms = require("transforms", in: fields).flatMap { self.transforms($0) }
            let minAgreement = require("min_agreement", in: fields).flatMap {
                bounded($0, "min_agreement", "in (0, 1]") { $0 > 0 && $0 <= 1 }
            }
            var bound = Spec.Bound.point
            if let n = fields["bound"] {
                if let value = choice(n, "bound", among: [Spec.Bound.point, .lower]) { bound = value } else { ok = false }
            }
            let confidence = num("confidence", "in (0, 1)", default: 0.95) { $0 > 0 && $0 < 1 }
            let worst = int("worst", atLeast: 0, default: 8)
            let minSamples = int("min_samples", atLeast: 1, default: 30)
            guard let transforms, let minAgreement else { return nil }
            result = .invariance(.init(transforms: transforms, minAgreement: minAgreement, bound: bound,
                                       confidence: confidence, worst: worst, minSamples: minSamples))
        case "metric":
            let metric = metric("metric")
            let confidence = num("confidence", "in (0, 1)", default: 0.95) { $0 > 0 && $0 < 1 }
            let minSamples = int("min_samples", atLeast: 1, default: 30)
            result = metricGate(fields, metric: metric, confidence: confidence, minSamples: minSamples)
        case "baseline":
            let metric = metric("metric")
            let maxDrop = num("max_drop", "at least 0", default: 0) { $0 >= 0 }
            let significance = num("significance", "in (0, 1)", default: 0.05) { $0 > 0 && $0 < 1 }
            var onMissing = Spec.Check.BaselineConfig.OnMissing.fail
            if let n = fields["on_missing"] {
                if let value = choice(n, "on_missing", among: Spec.Check.BaselineConfig.OnMissing.allCases) {
                    onMissing = value
                } else {
                    ok = false
                }
            }
            var model: URL?
            if let n = require("model", in: fields), let url = path(n, "model") {
                let hint = " (with 'on_missing: skip' a missing baseline skips this check)"
                if onMissing == .skip || existingFile(url, node: n, key: "model", suffix: hint) { model = url }
            }
            guard let metric, let model else { return nil }
            result = .baseline(.init(model: model, metric: metric, maxDrop: maxDrop, significance: significance,
                                     onMissing: onMissing))
        case "golden":
            var file: URL?
            if let n = fields["file"] {
                file = path(n, "file")
            } else if let name {
                file = baseDirectory.deletingLastPathComponent().appendingPathComponent("golden")
                    .appendingPathComponent("\(name).json")
            }
            let tolerance = num("tolerance", "greater than 0", default: 1e-4) { $0 > 0 }
            let images = int("images", atLeast: 1, default: 8)
            guard let file else { return nil }
            result = .golden(.init(file: file, tolerance: tolerance, images: images))
        default:
            preconditionFailure("check kind '\(kindName)' is listed in SpecParser.kinds but not parsed")
        }
        return ok ? result : nil
    }

    private mutating func metricGate(_ fields: Fields, metric: Spec.Metric?, confidence: Double,
                                     minSamples: Int) -> Spec.Check.Kind? {
        let gate: (node: Node, comparison: CheckResult.Comparison)
        switch (fields["min"], fields["max"]) {
        case (nil, nil):
            report(fields.node, "metric check: give 'min' or 'max'")
            return nil
        case (.some, .some(let max)):
            report(max, "metric check: give either 'min' or 'max', not both")
            return nil
        case (.some(let min), nil): gate = (min, .atLeast)
        case (nil, .some(let max)): gate = (max, .atMost)
        }
        let key = gate.comparison == .atLeast ? "min" : "max"
        var bound = Spec.Bound.point
        var ok = true
        if let n = fields["bound"], let value = choice(n, "bound", among: Spec.Bound.allCases) {
            if value == .upper && gate.comparison == .atLeast || value == .lower && gate.comparison == .atMost {
                report(n, "bound: '\(value.rawValue)' goes with '\(value == .upper ? "max" : "min")', not '\(key)'")
                ok = false
            }
            bound = value
        } else if fields["bound"] != nil {
            ok = false
        }
        guard let threshold = number(gate.node, key) else { return nil }
        let metricName = metric?.rawValue ?? "the metric"
        let text = Self.text(gate.node)
        if gate.comparison == .atLeast ? threshold <= 0 : threshold >= 1 {
            report(gate.node, "\(key): threshold \(text) can never fail; \(metricName) lies in [0, 1]")
            ok = false
        } else if gate.comparison == .atLeast ? threshold > 1 : threshold < 0 {
            report(gate.node, "\(key): threshold \(text) can never pass; \(metricName) lies in [0, 1]")
            ok = false
        }
        guard ok, let metric else { return nil }
        return .metric(.init(metric: metric, threshold: threshold, comparison: gate.comparison, bound: bound,
                             confidence: confidence, minSamples: minSamples))
    }

    private mutating func transforms(_ node: Node) -> [Spec.Transform]? {
        guard let items = list(node, "transforms", of: "transforms") else { return nil }
        guard !items.isEmpty else {
            report(node, "transforms: list at least one transform")
            return nil
        }
        let names = ImageTransform.allCases.compactMap { Spec.Transform.spelling[$0] }
        var result: [Spec.Transform] = [], ok = true
        for item in items {
            guard let text = string(item, "transforms") else { ok = false; continue }
            var steps: [ImageTransform] = [], known = true
            for part in text.split(separator: "+", omittingEmptySubsequences: false) {
                let word = part.trimmingCharacters(in: .whitespaces)
                if let step = Spec.Transform.spelling.first(where: { $0.value == word })?.key {
                    steps.append(step)
                } else {
                    report(item, "transforms: unknown transform '\(word)'" + Suggestion.hint(for: word, among: names))
                    known = false
                }
            }
            guard known else { ok = false; continue }
            let transform = Spec.Transform(steps: steps)
            if transform.composed == .identity {
                report(item, "transforms: '\(text)' leaves every image as it is, so it can never fail")
                ok = false
            } else if let same = result.first(where: { $0.composed == transform.composed }) {
                report(item, "transforms: '\(text)' is the same transform as '\(same.name)'")
                ok = false
            } else {
                result.append(transform)
            }
        }
        return ok ? result : nil
    }

    // MARK: - Mappings

    /// A mapping's entries by key. Null values count as absent (a section with every line
    /// commented out), except for keys in `nullable`, where null means something.
    private struct Fields {
        /// The mapping itself: missing keys are reported at its position.
        let node: Node
        /// How messages name the mapping, e.g. "data.split".
        let context: String
        let values: [String: Node]
        let nulls: [String: Node]

        subscript(key: String) -> Node? { values[key] }
    }

    /// The entries of `node`, which must be a mapping; keys outside `allowed` are reported with
    /// a suggestion. `key` names the mapping in a type error.
    private mutating func fields(of node: Node, context: String, key: String?, nullable: Set<String> = [],
                                 allowed: [String], reportUnknown: Bool = true) -> Fields? {
        guard let mapping = node.mapping else {
            report(node, (key.map { "\($0): expected a mapping" } ?? "expected a mapping of keys such as 'modelcheck: 1'")
                + ", got \(Self.describe(node))")
            return nil
        }
        var values: [String: Node] = [:], nulls: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else {
                report(keyNode, "keys must be names, got \(Self.describe(keyNode))")
                continue
            }
            guard allowed.contains(name) else {
                if reportUnknown {
                    report(keyNode, "unknown key '\(name)' in \(context)" + Suggestion.hint(for: name, among: allowed))
                }
                continue
            }
            if value.isNull && !nullable.contains(name) { nulls[name] = value } else { values[name] = value }
        }
        return Fields(node: node, context: context, values: values, nulls: nulls)
    }

    /// The value of a required key, or nil after reporting it missing (or given no value).
    private mutating func require(_ key: String, in fields: Fields) -> Node? {
        if let value = fields[key] { return value }
        if let null = fields.nulls[key] {
            report(null, "\(key): needs a value")
        } else {
            report(fields.node, "missing required key '\(key)' in \(fields.context)")
        }
        return nil
    }

    // MARK: - Scalars

    private mutating func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            report(node, "\(key): expected a string, got \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// A name that can be part of a file name: letters, digits, '.', '_' and '-'.
    private mutating func identifier(_ node: Node, _ key: String) -> String? {
        guard let text = string(node, key) else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !text.isEmpty, text.allSatisfy(allowed.contains) else {
            report(node, "\(key): '\(text)' may only contain letters, digits, '.', '_' and '-'")
            return nil
        }
        // As a file name these would be the folder itself or its parent.
        guard text.contains(where: { $0 != "." }) else {
            report(node, "\(key): '\(text)' needs a letter, digit, '_' or '-'")
            return nil
        }
        return text
    }

    private mutating func integer(_ node: Node, _ key: String, atLeast minimum: Int?, hint: String = "") -> Int? {
        guard let scalar = node.scalar, !Self.isQuoted(scalar), node.tagName == .int, let value = Int.construct(from: scalar) else {
            report(node, "\(key): expected \(minimum == 0 ? "a non-negative integer" : "an integer"), got \(Self.describe(node))")
            return nil
        }
        if let minimum, value < minimum {
            report(node, "\(key): must be at least \(minimum), got \(value)" + hint)
            return nil
        }
        return value
    }

    /// A finite number; integers are numbers too.
    private mutating func number(_ node: Node, _ key: String) -> Double? {
        var value: Double?
        if let scalar = node.scalar, !Self.isQuoted(scalar) {
            switch node.tagName {
            case .int: value = Int.construct(from: scalar).map(Double.init)
            case .float: value = Double.construct(from: scalar)
            default: break
            }
        }
        guard let value, value.isFinite else {
            report(node, "\(key): expected a number, got \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// A number for which `valid` holds; `expectation` says in words what `valid` wants.
    private mutating func bounded(_ node: Node, _ key: String, _ expectation: String,
                                  _ valid: (Double) -> Bool) -> Double? {
        guard let value = number(node, key) else { return nil }
        guard valid(value) else {
            report(node, "\(key): must be \(expectation), got \(Self.text(node))")
            return nil
        }
        return value
    }

    /// One of `cases`, by raw value; anything else is reported with the choices and a suggestion.
    private mutating func choice<T: RawRepresentable>(_ node: Node, _ key: String, among cases: [T]) -> T?
        where T.RawValue == String {
        choice(node, key, among: cases.map(\.rawValue)).flatMap(T.init(rawValue:))
    }

    private mutating func choice(_ node: Node, _ key: String, among names: [String]) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            report(node, "\(key): expected one of \(names.joined(separator: ", ")), got \(Self.describe(node))")
            return nil
        }
        guard names.contains(scalar.string) else {
            report(node, "\(key): expected one of \(names.joined(separator: ", ")), got '\(scalar.string)'"
                + Suggestion.hint(for: scalar.string, among: names))
            return nil
        }
        return scalar.string
    }

    private mutating func list(_ node: Node, _ key: String, of items: String) -> [Node]? {
        guard let sequence = node.sequence else {
            report(node, "\(key): expected a list of \(items), got \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    /// A path from the spec, resolved against the spec's folder.
    private mutating func path(_ node: Node, _ key: String) -> URL? {
        guard let text = string(node, key) else { return nil }
        guard !text.isEmpty else {
            report(node, "\(key): expected a path, got ''")
            return nil
        }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : baseDirectory.appendingPathComponent(text)
        return url.standardizedFileURL
    }

    /// True when `url` is an existing file or when files are not checked; otherwise reports it.
    private mutating func existingFile(_ url: URL, node: Node, key: String, suffix: String) -> Bool {
        guard checkFiles else { return true }
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            report(node, "\(key): no such file: \(url.path)" + suffix)
            return false
        }
        if isFolder.boolValue {
            report(node, "\(key): \(url.path) is a folder, not a file")
            return false
        }
        return true
    }

    // MARK: - Reporting

    private mutating func report(_ node: Node, _ message: String) {
        errors.append(SpecError(file: file, at: position(node), message))
    }

    private func position(_ node: Node) -> SpecPosition {
        node.mark.map { SpecPosition(line: $0.line, column: $0.column) } ?? SpecPosition(line: 1, column: 1)
    }

    /// How a node reads in "got …": the text of a scalar, else what it is.
    private static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if node.isNull { return "nothing" }
            return isQuoted(scalar) ? "the quoted string '\(scalar.string)'" : "'\(scalar.string)'"
        }
    }

    /// A scalar's text as written, for echoing numbers back exactly (1.0e-5, not 1e-05).
    private static func text(_ node: Node) -> String { node.scalar?.string ?? describe(node) }

    private static func isQuoted(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .singleQuoted || scalar.style == .doubleQuoted
    }

    /// A sum like 0.9000000000000001 printed as 0.9.
    private static func format(_ value: Double) -> String {
        var text = String(format: "%.10f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Yams' syntax errors in the spec's `file:line:column: message` form.
    private func syntaxError(_ error: any Error, in text: String) -> SpecError {
        let located: (line: Int, column: Int, message: String)
        switch error as? YamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml's context says what it was reading and where that started, the problem what went wrong.
            located = (mark.line, mark.column, "YAML: " + (context.map { "\($0.text) at \($0.mark), " } ?? "") + problem)
        case let .reader(problem, offset, _, _):
            let before = text.prefix(offset ?? 0)
            let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            let column = (before.lastIndex(of: "\n").map { before[before.index(after: $0)...] } ?? before).unicodeScalars.count + 1
            located = (line, column, "YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            located = (context.mark.line, context.mark.column,
                       "YAML: key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears more than once in one mapping")
        default:
            located = (1, 1, "YAML: \(error)")
        }
        return SpecError(file: file, line: located.line, column: located.column, message: located.message)
    }
}

private extension Node {
    /// The resolved tag: what a plain scalar's text reads as (int, float, null, …).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// A plain `null`, `~` or empty value.
    var isNull: Bool {
        guard let scalar else { return false }
        return scalar.style != .singleQuoted && scalar.style != .doubleQuoted && tagName == .null
    }
}
