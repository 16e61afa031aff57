import BiT
import Datasets
import Foundation
import Imaging
import Yams

/// Turns spec text into a `Spec`. It walks Yams' node tree rather than decoding, because only
/// the nodes keep each value's line and column, and it collects every problem instead of
/// stopping at the first, so that one run shows the user all there is to fix.
struct SpecParser {
    /// The checks a spec may name.
    let catalogue: CheckCatalogue
    private var reader: SpecReader
    /// The columns of each metadata file the spec names, read as it is parsed.
    private var metadataColumnsRead: [URL: [String]] = [:]
    /// True when another folder replaces data.folder (`--data`): it is not looked at.
    var dataFolderReplaced = false

    /// A parser reporting problems under the name `file`, resolving paths against `baseDirectory`.
    init(file: String, baseDirectory: URL, checkFiles: Bool, catalogue: CheckCatalogue) {
        reader = SpecReader(file: file, baseDirectory: baseDirectory, checkFiles: checkFiles)
        self.catalogue = catalogue
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
            throw SpecErrors([SpecError(file: reader.file, line: 1, column: 1, message: "the spec is empty; it starts with 'modelcheck: 1'")])
        }
        let spec = self.spec(root, specFile: specFile, sha256: sha256)
        guard reader.errors.isEmpty, let spec else { throw SpecErrors(reader.errors) }
        return spec
    }

    // MARK: - Sections

    private mutating func spec(_ root: Node, specFile: URL, sha256: String) -> Spec? {
        // Judged first and alone: another version's keys would only add noise.
        if let node = root.mapping?["modelcheck"], node.tagName == .int, let v = node.int, !Spec.knownVersions.contains(v) {
            reader.report(node, "modelcheck: unknown spec version \(v); this modelcheck reads version "
                + Spec.knownVersions.map(String.init).joined(separator: ", "))
            return nil
        }
        guard let fields = fields(of: root, context: "the spec", key: nil,
                                  allowed: ["modelcheck", "name", "description", "model", "data", "training", "checks", "evaluation"])
        else { return nil }
        let version = require("modelcheck", in: fields).flatMap { reader.integer($0, "modelcheck", atLeast: nil) }
        let name = require("name", in: fields).flatMap { reader.identifier($0, "name") }
        let description = fields["description"].flatMap { reader.string($0, "description") }
        let modelNode = require("model", in: fields)
        let model = modelNode.flatMap { self.model($0) }
        let testTimeAugmentation = modelNode.flatMap { self.testTimeAugmentation($0) }
        let data = require("data", in: fields).flatMap { self.data($0) }
        // Metrics that need a positive class should not add an error when one is named but invalid.
        let positiveClassGiven = fields["data"]?.mapping?["positive_class"] != nil
        let training = fields["training"].flatMap { self.training($0, name: name) }
        let evaluation = fields["evaluation"].map { self.evaluation($0, defaultPattern: data?.split.groupPattern) } ?? []
        // An invalid data section is reported on its own; its checks are not blamed for it.
        let sets = [CheckEntryContext.DataSet(name: Spec.EvaluationSet.testSplit, hasMetadata: data?.metadata != nil,
                                              columns: data?.metadata.flatMap(metadataColumns))]
            + (evaluation ?? []).map { .init(name: $0.name, hasMetadata: $0.metadata != nil, columns: $0.metadata.flatMap(metadataColumns)) }
        let context = CheckEntryContext(specName: name, specFolder: reader.baseDirectory, positiveClassGiven: positiveClassGiven,
                                        learningRate: training?.learningRate, groupsGiven: data.map { $0.split.groupPattern != nil } ?? true,
                                        dataSets: sets, dataSectionsValid: data != nil && evaluation != nil)
        let checks = require("checks", in: fields).flatMap { self.checks($0, context: context) }
        guard let version, let name, let model, let data, let checks, let evaluation else { return nil }
        if fields["training"] != nil, training == nil { return nil }
        var spec = Spec(version: version, name: name, description: description, model: model, data: data,
                        training: training, checks: checks, file: specFile, sha256: sha256)
        spec.evaluation = evaluation
        guard let testTimeAugmentation else { return nil }
        spec.testTimeAugmentation = testTimeAugmentation
        return spec
    }

    private mutating func model(_ node: Node) -> Spec.Model? {
        guard let fields = fields(of: node, context: "model", key: "model", allowed: ["architecture", "upstream", "test_time_augmentation"]) else { return nil }
        switch (fields["architecture"], fields["upstream"]) {
        case (nil, nil):
            reader.report(node, "model: give 'architecture' (train from scratch) or 'upstream' (fine-tune a checkpoint)")
            return nil
        case (.some, .some(let upstream)):
            reader.report(upstream, "model: give either 'architecture' or 'upstream', not both")
            return nil
        case (.some(let architecture), nil):
            guard let text = reader.string(architecture, "architecture") else { return nil }
            do {
                return .architecture(try ResNetV2Architecture(named: text))
            } catch {
                reader.report(architecture, "architecture: \(error)")
                return nil
            }
        case (nil, .some(let upstream)):
            guard let url = reader.path(upstream, "upstream") else { return nil }
            guard reader.existingFile(url, at: reader.position(upstream), key: "upstream", suffix: "") else { return nil }
            return .upstream(url)
        }
    }

    /// `model.test_time_augmentation`: `none` (the default) or `symmetries`; nil when the value is invalid (reported).
    private mutating func testTimeAugmentation(_ node: Node) -> ModelMetadata.TestTimeAugmentation?? {
        guard let mapping = node.mapping, let value = mapping["test_time_augmentation"] else { return .some(nil) }
        let names = ["none"] + ModelMetadata.TestTimeAugmentation.allCases.map(\.rawValue)
        guard let name = reader.choice(value, "test_time_augmentation", among: names) else { return nil }
        return .some(ModelMetadata.TestTimeAugmentation(rawValue: name))  // "none" → nil
    }

    private mutating func data(_ node: Node) -> Spec.Data? {
        guard let fields = fields(of: node, context: "data", key: "data",
                                  allowed: ["folder", "classes", "positive_class", "unreadable", "split", "preprocessing", "metadata"])
        else { return nil }
        var ok = true
        let folderNode = require("folder", in: fields)
        var folder = folderNode.flatMap { reader.path($0, "folder") }
        let checkFolder = reader.checkFiles && !dataFolderReplaced
        if let url = folder, let folderNode, checkFolder {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                reader.report(folderNode, "folder: no such folder: \(url.path)")
                folder = nil
            } else if !isFolder.boolValue {
                reader.report(folderNode, "folder: not a folder: \(url.path)")
                folder = nil
            }
        }
        var classes: [String]?
        if let node = fields["classes"] {
            classes = self.classes(node)
            ok = ok && classes != nil
        }
        // Class names can be checked against the folder only once it is known to be there.
        let found = checkFolder ? folder.map { (folder: $0, classes: Self.classFolders($0)) } : nil
        if let classes, let found, let node = fields["classes"] {
            ok = matchClasses(classes, folders: found.classes, node: node, folder: found.folder) && ok
        } else if let found, found.classes.count < 2, let folderNode {
            reader.report(folderNode, "folder: \(found.folder.path) has " + (found.classes.first.map { "only the class folder \($0)" } ?? "no class folders")
                + "; a classifier needs at least 2 (one subfolder per class)")
            ok = false
        }
        var positiveClass: String?
        if let node = fields["positive_class"], let name = reader.string(node, "positive_class") {
            if let classes, !classes.contains(name) {
                reader.report(node, "positive_class: '\(name)' is not one of the classes (\(classes.joined(separator: ", ")))"
                    + Suggestion.hint(for: name, among: classes))
                ok = false
            } else if fields["classes"] == nil, let found, !found.classes.contains(name) {
                reader.report(node, "positive_class: '\(name)' is not a class folder in \(found.folder.path)"
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
            if let policy = reader.choice(node, "unreadable", among: UnreadableImagePolicy.allCases) { unreadable = policy } else { ok = false }
        }
        let split = require("split", in: fields).flatMap { self.split($0) }
        var preprocessing = Spec.Preprocessing()
        if let node = fields["preprocessing"] {
            if let parsed = self.preprocessing(node) { preprocessing = parsed } else { ok = false }
        }
        var metadata: URL?
        if let node = fields["metadata"] {
            metadata = self.metadata(node, key: "metadata")
            ok = ok && metadata != nil
        }
        guard ok, let folder, let split else { return nil }
        return Spec.Data(folder: folder, classes: classes, positiveClass: positiveClass, unreadable: unreadable,
                         split: split, preprocessing: preprocessing, metadata: metadata)
    }

    private mutating func classes(_ node: Node) -> [String]? {
        guard let items = reader.list(node, "classes", of: "strings") else { return nil }
        var names: [String] = [], ok = true
        for item in items {
            guard let name = reader.string(item, "classes") else { ok = false; continue }
            if names.contains(name) {
                reader.report(item, "classes: '\(name)' is listed twice")
                ok = false
            }
            names.append(name)
        }
        if ok, names.count < 2 {
            reader.report(node, "classes: a classifier needs at least 2 classes, got \(names.count)")
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
            reader.report(item, "classes: no folder '\(name)' in \(folder.path)" + Suggestion.hint(for: name, among: folders))
            ok = false
        }
        let unlisted = folders.filter { !classes.contains($0) }
        if !unlisted.isEmpty {
            reader.report(node, "classes: \(folder.path) also has the class folders \(unlisted.joined(separator: ", ")); list every class")
            ok = false
        }
        return ok
    }

    /// A metadata file (`key` names it in messages): an existing CSV file whose header has a
    /// `path` column; its columns are remembered for the checks that slice by them.
    private mutating func metadata(_ node: Node, key: String) -> URL? {
        guard let url = reader.path(node, key), reader.existingFile(url, at: reader.position(node), key: key, suffix: "") else { return nil }
        guard reader.checkFiles else { return url }
        do {
            metadataColumnsRead[url] = try ImageAttributes.columns(of: url)
            return url
        } catch {
            reader.report(node, "\(key): \(error)")
            return nil
        }
    }

    /// The columns of a metadata file read while parsing; nil when files are not read.
    private func metadataColumns(_ url: URL) -> [String]? { metadataColumnsRead[url] }

    /// `evaluation:`, a list of {name, folder, group_pattern, metadata}: names unique, usable as a
    /// folder name and not `test` (the spec's own split), folders that exist, patterns that compile.
    private mutating func evaluation(_ node: Node, defaultPattern: String?) -> [Spec.EvaluationSet]? {
        guard let items = reader.list(node, "evaluation", of: "evaluation sets") else { return nil }
        var sets: [Spec.EvaluationSet] = [], ok = true, seen: Set<String> = []
        for item in items {
            guard let fields = fields(of: item, context: "an evaluation set", key: "evaluation", allowed: ["name", "folder", "group_pattern", "metadata"]) else {
                ok = false
                continue
            }
            let nameNode = require("name", in: fields)
            var name = nameNode.flatMap { reader.identifier($0, "name") }
            if let given = name, let nameNode, !seen.insert(given).inserted {
                reader.report(nameNode, "name: evaluation set '\(given)' is named twice")
                name = nil
            } else if name == Spec.EvaluationSet.testSplit, let nameNode {
                reader.report(nameNode, "name: '\(Spec.EvaluationSet.testSplit)' is the spec's own test split; give the evaluation set another name")
                name = nil
            }
            let folderNode = require("folder", in: fields)
            var folder = folderNode.flatMap { reader.path($0, "folder") }
            if let url = folder, let folderNode, reader.checkFiles {
                var isFolder: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
                if !exists || !isFolder.boolValue {
                    reader.report(folderNode, "folder: \(exists ? "not a" : "no such") folder: \(url.path)")
                    folder = nil
                }
            }
            var pattern = defaultPattern
            if let patternNode = fields["group_pattern"] {
                pattern = reader.string(patternNode, "group_pattern")
                if let given = pattern, (try? NSRegularExpression(pattern: given)) == nil {
                    reader.report(patternNode, "group_pattern: '\(given)' is not a valid regular expression")
                    pattern = nil
                }
                if pattern == nil { ok = false }
            }
            var metadata: URL?
            if let node = fields["metadata"] {
                metadata = self.metadata(node, key: "metadata")
                if metadata == nil { ok = false }
            }
            guard let name, let folder else { ok = false; continue }
            sets.append(Spec.EvaluationSet(name: name, folder: folder, groupPattern: pattern, metadata: metadata))
        }
        return ok ? sets : nil
    }

    private mutating func split(_ node: Node) -> Spec.Split? {
        guard let fields = fields(of: node, context: "data.split", key: "split",
                                  allowed: ["by", "group_pattern", "train", "validation", "test", "seed", "folds", "fold"])
        else { return nil }
        var ok = true
        let by = require("by", in: fields).flatMap { reader.choice($0, "by", among: [SplitRule.Unit.group, .image]) }
        var groupPattern: String?
        if let patternNode = fields["group_pattern"] {
            groupPattern = reader.string(patternNode, "group_pattern")
            if let pattern = groupPattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                reader.report(patternNode, "group_pattern: '\(pattern)' is not a valid regular expression")
                groupPattern = nil
                ok = false
            } else if by == .image {
                reader.report(patternNode, "group_pattern: only used with 'by: group'")
                ok = false
            }
            ok = ok && groupPattern != nil
        } else if by == .group {
            reader.report(node, "missing required key 'group_pattern' in data.split (needed with 'by: group')")
            ok = false
        }
        var seed: UInt64 = 0
        if let seedNode = fields["seed"] {
            if let value = reader.integer(seedNode, "seed", atLeast: 0) { seed = UInt64(value) } else { ok = false }
        }
        if let foldsNode = fields["folds"] {
            // Cross-validation: the test part is one fold, training the rest less validation.
            for key in ["train", "test"] {
                if let n = fields[key] { reader.report(n, "\(key): not used with 'folds' (the test part is one fold, training the rest)"); ok = false }
            }
            if by == .image { reader.report(foldsNode, "folds: only with 'by: group' (whole patients in each fold)"); ok = false }
            let folds = reader.integer(foldsNode, "folds", atLeast: 2, atMost: 50)
            let fold = require("fold", in: fields).flatMap { reader.integer($0, "fold", atLeast: 0, atMost: max((folds ?? 1) - 1, 0)) }
            let validation = require("validation", in: fields).flatMap { node in
                reader.bounded(node, "validation", "between 0 and 1 − 1/folds") { $0 > 0 && $0 < 1 - 1 / Double(folds ?? 2) }
            }
            guard ok, let by, let folds, let fold, let validation else { return nil }
            return Spec.Split(by: by, groupPattern: groupPattern, train: 1 - 1 / Double(folds) - validation, validation: validation,
                              test: 1 / Double(folds), seed: seed, folds: folds, fold: fold)
        }
        if let n = fields["fold"] { reader.report(n, "fold: needs 'folds' (how many folds the groups are dealt into)"); ok = false }
        var fractions: [Double?] = []
        for key in ["train", "validation", "test"] {
            fractions.append(require(key, in: fields).flatMap { reader.bounded($0, key, "greater than 0") { $0 > 0 } })
        }
        guard let by, let train = fractions[0], let validation = fractions[1], let test = fractions[2] else { return nil }
        let sum = train + validation + test
        if abs(sum - 1) > 1e-9 {
            reader.report(node, "data.split: train + validation + test must add up to 1, got \(SpecReader.format(sum))")
            ok = false
        }
        guard ok else { return nil }
        return Spec.Split(by: by, groupPattern: groupPattern, train: train, validation: validation, test: test, seed: seed)
    }

    private mutating func preprocessing(_ node: Node) -> Spec.Preprocessing? {
        guard let fields = fields(of: node, context: "data.preprocessing", key: "preprocessing",
                                  allowed: ["resize", "crop", "value_range", "flips", "augment"])
        else { return nil }
        var result = Spec.Preprocessing(), ok = true
        if let n = fields["resize"] {
            result.resize = reader.integer(n, "resize", atLeast: 8, atMost: SpecLimits.imageSide)
            ok = ok && result.resize != nil
        }
        if let n = fields["crop"] {
            result.crop = reader.integer(n, "crop", atLeast: 8, atMost: SpecLimits.imageSide)
            if let crop = result.crop, let resize = result.resize, crop > resize {
                reader.report(n, "crop: \(crop) is larger than resize (\(resize)); the crop is cut from the resized image")
                result.crop = nil
            }
            ok = ok && result.crop != nil
        }
        if let n = fields["value_range"] {
            result.valueRange = valueRange(n)
            ok = ok && result.valueRange != nil
        }
        if let n = fields["flips"] {
            if let items = reader.list(n, "flips", of: "strings") {
                var seen: [String] = []
                for item in items {
                    guard let flip = reader.choice(item, "flips", among: ["horizontal", "vertical", "transpose"]) else { ok = false; continue }
                    if seen.contains(flip) {
                        reader.report(item, "flips: '\(flip)' is listed twice")
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
        if let n = fields["augment"] {
            if let augmentation = augmentation(n) { result.augmentation = augmentation } else { ok = false }
        }
        return ok ? result : nil
    }

    /// `augment: [...]`: each item a name with the defaults, or a mapping `{shift: name, range:
    /// [low, high], p: 0.5}` or `{corruption: name, max_severity: 2, p: 0.5}`. Nothing twice.
    private mutating func augmentation(_ node: Node) -> [Augmentation]? {
        guard let items = reader.list(node, "augment", of: "corruption or colour-shift names") else { return nil }
        var result: [Augmentation] = [], seen: Set<String> = [], ok = true
        for item in items {
            guard let augmentation = item.mapping == nil ? namedAugmentation(item) : augmentationSettings(item) else {
                ok = false
                continue
            }
            let name: String
            switch augmentation.change {
            case .colourShift(let kind, _): name = "the colour shift '\(kind.rawValue)'"
            case .corruption(let corruption, _): name = "the corruption '\(corruption.rawValue)'"
            }
            guard seen.insert(name).inserted else {
                reader.report(item, "augment: \(name) is listed twice")
                ok = false
                continue
            }
            result.append(augmentation)
        }
        return ok ? result : nil
    }

    /// A bare name in `augment`, with the default range or maximum severity and probability.
    private mutating func namedAugmentation(_ node: Node) -> Augmentation? {
        reader.choice(node, "augment", among: Augmentation.names).flatMap(Augmentation.init(named:))
    }

    /// A mapping in `augment`: exactly one of `shift` and `corruption`, with its own settings.
    private mutating func augmentationSettings(_ node: Node) -> Augmentation? {
        guard let fields = fields(of: node, context: "data.preprocessing.augment", key: "augment",
                                  allowed: ["shift", "corruption", "range", "max_severity", "p"])
        else { return nil }
        var ok = true
        var probability = Augmentation.defaultProbability
        if let n = fields["p"] {
            if let p = reader.bounded(n, "p", "between 0 and 1", { (0...1).contains($0) }) { probability = p } else { ok = false }
        }
        let change: Augmentation.Change?
        switch (fields["shift"], fields["corruption"]) {
        case (let n?, nil):
            if let n = fields["max_severity"] {
                reader.report(n, "max_severity: a colour shift takes a range, not a severity")
                ok = false
            }
            let kind: ColourShift.Kind? = reader.choice(n, "shift", among: ColourShift.Kind.allCases)
            change = kind.flatMap { kind in
                guard let n = fields["range"] else { return .colourShift(kind, range: Augmentation.defaultRange(kind)) }
                return shiftRange(n, kind).map { .colourShift(kind, range: $0) }
            }
        case (nil, let n?):
            if let n = fields["range"] {
                reader.report(n, "range: a corruption takes max_severity (1 to 5), not a range")
                ok = false
            }
            let corruption: Corruption? = reader.choice(n, "corruption", among: Corruption.allCases)
            var severity: CorruptionSeverity? = Augmentation.defaultMaxSeverity
            if let n = fields["max_severity"] {
                severity = reader.integer(n, "max_severity", atLeast: CorruptionSeverity.levels.lowerBound,
                                          atMost: CorruptionSeverity.levels.upperBound).flatMap(CorruptionSeverity.init)
            }
            change = corruption.flatMap { corruption in severity.map { .corruption(corruption, maxSeverity: $0) } }
        case (.some, .some):
            reader.report(node, "augment: give 'shift' or 'corruption', not both")
            change = nil
        case (nil, nil):
            reader.report(node, "augment: each setting needs 'shift: <colour shift>' or 'corruption: <corruption>'")
            change = nil
        }
        guard ok, let change else { return nil }
        return Augmentation(change, probability: probability)
    }

    /// `[low, high]` for a colour shift: two finite numbers in order, that the shift accepts.
    private mutating func shiftRange(_ node: Node, _ kind: ColourShift.Kind) -> ClosedRange<Double>? {
        guard let items = reader.list(node, "range", of: "two numbers [low, high]") else { return nil }
        guard items.count == 2 else {
            reader.report(node, "range: expected two numbers [low, high], got \(items.count)")
            return nil
        }
        let low = reader.number(items[0], "range"), high = reader.number(items[1], "range")
        guard let low, let high else { return nil }
        guard low <= high else {
            reader.report(node, "range: the ends are swapped: write [\(SpecReader.text(items[1])), \(SpecReader.text(items[0]))]")
            return nil
        }
        if let (smallest, inclusive) = Augmentation.smallestAmount(kind), inclusive ? low < smallest : low <= smallest {
            reader.report(items[0], "range: \(kind.rawValue) must be \(inclusive ? "at least" : "above") \(SpecReader.format(smallest)), got \(SpecReader.text(items[0]))")
            return nil
        }
        return low...high
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
                reader.report(node, expected + "[\(items.map { $0.scalar?.string ?? "…" }.joined(separator: ", "))]")
                return nil
            }
        }
        guard let text = reader.string(node, "value_range") else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        if let range = ModelMetadata.ValueRange.allCases.first(where: { $0.rawValue.filter { !$0.isWhitespace } == compact }) {
            return range
        }
        reader.report(node, expected + "'\(text)'")
        return nil
    }

    private mutating func training(_ node: Node, name: String?) -> Spec.Training? {
        guard let fields = fields(of: node, context: "training", key: "training", nullable: ["patience"],
                                  allowed: ["run", "steps", "batch", "micro_batch", "learning_rate", "warmup", "decay",
                                            "mixup", "label_smoothing", "weight_average", "momentum", "eval_every", "patience", "checkpoint_every", "seed",
                                            "threads"])
        else { return nil }
        var ok = true
        var run: URL?
        if let n = fields["run"] {
            run = reader.path(n, "run")
            ok = ok && run != nil
        } else if let name {
            run = Spec.defaultRunFolder(specFolder: reader.baseDirectory, name: name)
        }
        // Each optional integer: absent is fine, present must be valid.
        func optionalInt(_ key: String, atLeast minimum: Int, atMost maximum: Int? = nil) -> Int? {
            guard let n = fields[key] else { return nil }
            let value = reader.integer(n, key, atLeast: minimum, atMost: maximum)
            ok = ok && value != nil
            return value
        }
        func optionalNumber(_ key: String, _ expectation: String, _ valid: (Double) -> Bool) -> Double? {
            guard let n = fields[key] else { return nil }
            let value = reader.bounded(n, key, expectation, valid)
            ok = ok && value != nil
            return value
        }
        let steps = optionalInt("steps", atLeast: 1, atMost: SpecLimits.steps)
        let batch = optionalInt("batch", atLeast: 1, atMost: SpecLimits.batch)
        var microBatch = optionalInt("micro_batch", atLeast: 1, atMost: SpecLimits.batch)
        if let m = microBatch, let batch, m > batch, let n = fields["micro_batch"] {
            reader.report(n, "micro_batch: \(m) is larger than the batch (batch: \(batch)); a micro-batch is a slice of one step's batch")
            microBatch = nil
            ok = false
        }
        let learningRate = optionalNumber("learning_rate", "greater than 0") { $0 > 0 }
        var warmup = optionalInt("warmup", atLeast: 0)
        if let w = warmup, let steps, w > steps, let n = fields["warmup"] {
            reader.report(n, "warmup: \(w) steps is longer than the whole run (steps: \(steps))")
            warmup = nil
            ok = false
        }
        var decay: [Int]?
        if let n = fields["decay"] {
            decay = self.decay(n, steps: steps)
            ok = ok && decay != nil
        }
        let mixup = optionalNumber("mixup", "at least 0") { $0 >= 0 }
        let labelSmoothing = optionalNumber("label_smoothing", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        let weightAverage = optionalNumber("weight_average", "in (0, 1)") { $0 > 0 && $0 < 1 }
        let momentum = optionalNumber("momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        let evalEvery = optionalInt("eval_every", atLeast: 1)
        var patience = Spec.Training.Patience.unset
        if let n = fields["patience"] {
            if n.isNull {
                patience = .off
            } else if let evaluations = reader.integer(n, "patience", atLeast: 1, hint: " (write 'patience: null' for no early stopping)") {
                patience = .after(evaluations)
            } else {
                ok = false
            }
        }
        let checkpointEvery = optionalInt("checkpoint_every", atLeast: 1)
        let seed = optionalInt("seed", atLeast: 0).map(UInt64.init)
        let threads = optionalInt("threads", atLeast: 1, atMost: SpecLimits.threads)
        guard ok, let run else { return nil }
        var training = Spec.Training(run: run, steps: steps, batch: batch, microBatch: microBatch, learningRate: learningRate,
                                     warmup: warmup, decay: decay, mixup: mixup, momentum: momentum, evalEvery: evalEvery,
                                     patience: patience, checkpointEvery: checkpointEvery, seed: seed, threads: threads)
        (training.labelSmoothing, training.weightAverage) = (labelSmoothing, weightAverage)
        return training
    }

    private mutating func decay(_ node: Node, steps: Int?) -> [Int]? {
        guard let items = reader.list(node, "decay", of: "integers") else { return nil }
        var values: [Int] = [], ok = true
        for item in items {
            guard let value = reader.integer(item, "decay", atLeast: 1) else { ok = false; continue }
            if let last = values.last, value <= last {
                reader.report(item, "decay: steps must increase, got \(value) after \(last)")
                ok = false
            } else if let steps, value >= steps {
                reader.report(item, "decay: step \(value) is not before the end of training (steps: \(steps))")
                ok = false
            }
            values.append(value)
        }
        return ok ? values : nil
    }

    // MARK: - Checks

    private mutating func checks(_ node: Node, context: CheckEntryContext) -> [Spec.Check]? {
        guard let items = reader.list(node, "checks", of: "checks") else { return nil }
        guard !items.isEmpty else {
            reader.report(node, "checks: list at least one check")
            return nil
        }
        var checks: [Spec.Check] = [], ok = true
        var ids: [String: SpecPosition] = [:]
        // Per kind and key that must differ between entries: the value and the entry that has it.
        var distinct: [String: [(value: CheckValue, id: String)]] = [:]
        for item in items {
            // Ids are compared even for checks with other problems, so that all show at once.
            let (id, check) = self.check(item, context: context)
            if let id {
                if let first = ids[id] {
                    reader.report(item.mapping?["id"] ?? item, "duplicate check id '\(id)' (first at \(first)); give one of them its own 'id'")
                    ok = false
                } else {
                    ids[id] = reader.position(item)
                }
            }
            guard let check else { ok = false; continue }
            if let earlier = checks.first(where: { check.kind.precedes.contains($0.kind.name) }) {
                let what = earlier.kind == check.kind ? "a spec takes one \(check.kind.name) check; '\(earlier.id)' at \(earlier.position) is the first"
                    : "\(check.kind.name) must come before every \(earlier.kind.name) check, which reads what it sets; "
                        + "'\(earlier.id)' at \(earlier.position) comes first"
                reader.report(at: check.position, what)
                ok = false
            }
            for name in check.kind.distinctKeys {
                guard let key = check.kind.key(name), let value = check.value(key) else { continue }
                let slot = "\(check.kind.name).\(name)"
                if let other = distinct[slot, default: []].first(where: { $0.value == value }) {
                    reader.report(at: check.position(of: key), "\(name): \(check.kind.name) check '\(other.id)' already uses "
                        + "\(value.spelling); give each \(check.kind.name) check its own \(name)")
                    ok = false
                } else {
                    distinct[slot, default: []].append((value, check.id))
                }
            }
            checks.append(check)
        }
        return ok ? checks : nil
    }

    /// The check, and its id whenever that is known, even if the check has other problems.
    private mutating func check(_ node: Node, context: CheckEntryContext) -> (id: String?, check: Spec.Check?) {
        guard let mapping = node.mapping else {
            reader.report(node, "checks: expected a mapping like 'check: output_shape', got \(SpecReader.describe(node))")
            return (nil, nil)
        }
        var kind: CheckKind?
        if let kindNode = mapping["check"], let text = reader.string(kindNode, "check") {
            kind = catalogue.kind(named: text)
            if kind == nil {
                reader.report(kindNode, "unknown check kind '\(text)'" + Suggestion.hint(for: text, among: catalogue.names))
            }
        } else if mapping["check"] == nil {
            reader.report(node, "missing required key 'check' (the check's kind: \(catalogue.names.joined(separator: ", ")))")
        }
        // Without a known kind its own keys cannot be judged: check only the common ones.
        let commonNames = ["check"] + Spec.Check.commonKeys.map(\.name)
        guard let fields = fields(of: node, context: "\(kind?.name ?? "this") check", key: "checks",
                                  allowed: commonNames + (kind?.keys.map(\.name) ?? []), reportUnknown: kind != nil)
        else { return (nil, nil) }
        let common = read(Spec.Check.commonKeys, from: fields, context: context)
        let givenID: String? = if case .text(let id)? = common.values["id"] { id } else { nil }
        guard let kind else { return (givenID, nil) }
        let own = read(kind.keys, from: fields, context: context)
        let severity = common.values["severity"].flatMap { CheckResult.Severity(rawValue: $0.spelling) }
        let onEmpty = common.values["on_empty"].flatMap { Spec.Check.OnEmpty(rawValue: $0.spelling) }
        // The kind judges its own keys even when a common one is wrong, so that every problem shows
        // at once; such an entry is never returned, so its stand-in severity and on_empty go unused.
        var entry = Spec.Check(id: givenID ?? kind.name, severity: severity ?? .required, onEmpty: onEmpty ?? .inconclusive,
                               kind: kind, values: own.values, valuePositions: own.positions, position: reader.position(node),
                               context: context)
        var setsOK = true
        if case .list(let names)? = common.values["sets"] {
            entry.sets = names.map(\.spelling)
            setsOK = validateSets(entry, at: common.positions["sets"] ?? entry.position)
        }
        let id = fields["id"] == nil ? kind.defaultID(entry) : givenID
        let valid = kind.validate(entry, &reader) && setsOK
        guard valid, common.ok, own.ok, let id else { return (id, nil) }
        entry.id = id
        return (id, entry)
    }

    /// `sets` names data the spec has, on a check that runs after training.
    private mutating func validateSets(_ entry: Spec.Check, at position: SpecPosition) -> Bool {
        guard entry.kind.phase == .postTrain else {
            reader.report(at: position, "sets: \(entry.kind.name) runs before training, on the training set-up; only post-train checks choose their data")
            return false
        }
        guard !entry.kind.ownDataOnly else {
            reader.report(at: position, "sets: \(entry.kind.name) judges the spec's own data only (never an evaluation set)")
            return false
        }
        let known = entry.context.dataSets.map(\.name)
        var ok = true
        for name in entry.sets ?? [] where !known.contains(name) {
            reader.report(at: position, "sets: no set named '\(name)' (the spec has \(known.joined(separator: ", ")))"
                + Suggestion.hint(for: name, among: known))
            ok = false
        }
        return ok
    }

    /// The values of `keys` in `fields`: each given one read by its key, the others' defaults.
    /// Not ok after a problem, or when a derived default cannot be known (its cause is reported on its own).
    private mutating func read(_ keys: [CheckKey], from fields: Fields, context: CheckEntryContext)
        -> (values: [String: CheckValue], positions: [String: SpecPosition], ok: Bool) {
        var values: [String: CheckValue] = [:], positions: [String: SpecPosition] = [:], ok = true
        for key in keys {
            if let node = fields[key.name] {
                positions[key.name] = reader.position(node)
                if let value = key.read(node, &reader) { values[key.name] = value } else { ok = false }
                continue
            }
            switch key.requirement {
            case .required:
                _ = require(key.name, in: fields)
                ok = false
            case .optional: break
            case .defaultValue(let value): values[key.name] = value
            case .derived(_, let value):
                if let value = value(context) { values[key.name] = value } else { ok = false }
            }
        }
        return (values, positions, ok)
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
            reader.report(node, (key.map { "\($0): expected a mapping" } ?? "expected a mapping of keys such as 'modelcheck: 1'")
                + ", got \(SpecReader.describe(node))")
            return nil
        }
        var values: [String: Node] = [:], nulls: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else {
                reader.report(keyNode, "keys must be names, got \(SpecReader.describe(keyNode))")
                continue
            }
            guard allowed.contains(name) else {
                if reportUnknown {
                    reader.report(keyNode, "unknown key '\(name)' in \(context)" + Suggestion.hint(for: name, among: allowed))
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
            reader.report(null, "\(key): needs a value")
        } else {
            reader.report(fields.node, "missing required key '\(key)' in \(fields.context)")
        }
        return nil
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
        return SpecError(file: reader.file, line: located.line, column: located.column, message: located.message)
    }
}

