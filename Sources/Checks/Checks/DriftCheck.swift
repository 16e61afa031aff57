import BiT
import Datasets
import Foundation
import Imaging
import Randomness
import Yams

/// Whether the judged data (the test split, an evaluation set, a `verify --data` folder) looks like the training
/// split: per image property a two-sample test, the model's penultimate-layer embeddings by MMD, and the predicted
/// classes' shares. A test drifts when its Bonferroni-corrected p-value is below `alpha` and its effect reaches its
/// minimum; any drift fails the check, worst first.
public struct DriftCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let settings: Settings
    /// The verdict when the judged data is empty.
    public let onEmpty: CheckResult.Verdict

    /// What the check measures and how it decides.
    public struct Settings: Sendable, Equatable {
        /// Image properties compared one by one.
        public var properties: [ImageProperties.Property]
        /// The two-sample test of each property.
        public var test: PropertyTest
        /// Compare the model's embeddings (MMD with a permutation test).
        public var embeddings: Bool
        /// Compare the shares of predicted classes.
        public var predictedClasses: Bool
        /// Family-wise level: each test's p-value is multiplied by the number of tests run (Bonferroni).
        public var alpha: Double
        /// Smallest KS D (property) or class-share difference that counts as drift.
        public var minEffect: Double
        /// Smallest MMD² (median-heuristic Gaussian kernel) that counts as drift.
        public var minMMD: Double
        /// Each side is subsampled (seeded) to at most this many images.
        public var maxImages: Int
        /// Permutations of the permutation tests (MMD, class shares, Wasserstein).
        public var permutations: Int
        public var seed: UInt64
        /// Fewer images on either side give INCONCLUSIVE.
        public var minSamples: Int

        /// Settings; the defaults are the spec's.
        public init(properties: [ImageProperties.Property] = ImageProperties.Property.allCases, test: PropertyTest = .ks,
                    embeddings: Bool = true, predictedClasses: Bool = true, alpha: Double = 0.01, minEffect: Double = 0.1,
                    minMMD: Double = 0.05, maxImages: Int = 2000, permutations: Int = 2000, seed: UInt64 = 0, minSamples: Int = 30) {
            (self.properties, self.test, self.embeddings, self.predictedClasses) = (properties, test, embeddings, predictedClasses)
            (self.alpha, self.minEffect, self.minMMD, self.maxImages) = (alpha, minEffect, minMMD, maxImages)
            (self.permutations, self.seed, self.minSamples) = (permutations, seed, minSamples)
        }

        /// How many tests the Bonferroni correction divides alpha among.
        public var testCount: Int { properties.count + (embeddings ? 1 : 0) + (predictedClasses ? 1 : 0) }

        /// Whether a permutation test's smallest p-value, 1/(permutations + 1), survives the correction: otherwise
        /// such a test could never report drift.
        var permutationsSuffice: Bool { Double(testCount) / Double(permutations + 1) < alpha }
    }

    /// The two-sample test of an image property.
    public enum PropertyTest: String, Sendable, CaseIterable {
        /// Kolmogorov–Smirnov, exact p up to 10,000 images a side.
        case ks
        /// Wasserstein distance with a permutation p-value.
        case wasserstein
    }

    /// One property compared between the training images and the judged ones.
    public struct PropertyComparison: Sendable, Equatable {
        public let property: ImageProperties.Property
        /// The property on each training image (subsampled).
        public let reference: [Double]
        /// The property on each judged image (subsampled).
        public let judged: [Double]
        /// KS D, the effect gated on.
        public let effect: Double
        /// The chosen test's p-value, before correction.
        public let pValue: Double
        /// The Wasserstein distance, in the property's units, with `test: wasserstein`.
        public let wasserstein: Double?
        /// Cohen's d (training minus judged); nil when both are constant.
        public let cohensD: Double?
    }

    /// Everything the check measured, shared with the HTML report.
    public struct Measurement: Sendable {
        public let settings: Settings
        /// Training images compared (after subsampling).
        public let referenceCount: Int
        /// Judged images compared (after subsampling).
        public let judgedCount: Int
        /// Patients (groups) on each side when the p-values moved whole patients; nil when they moved images.
        public let clusters: (reference: Int, judged: Int)?
        public let properties: [PropertyComparison]
        /// Embeddings; nil when not asked for.
        public let embeddings: MaximumMeanDiscrepancy?
        /// Predicted classes; nil when not asked for.
        public let predictedClasses: ClassShareDifference?

        /// A p-value multiplied by the number of tests run, at most 1.
        public func corrected(_ p: Double) -> Double { min(1, p * Double(settings.testCount)) }

        /// Whether a property drifts: corrected p below alpha and KS D at least min_effect.
        public func drifts(_ c: PropertyComparison) -> Bool { corrected(c.pValue) < settings.alpha && c.effect >= settings.minEffect }

        /// The properties, drifting ones first, then by KS D, largest first.
        public var worstFirst: [PropertyComparison] {
            properties.enumerated().sorted { a, b in
                let (da, db) = (drifts(a.element), drifts(b.element))
                if da != db { return da }
                if a.element.effect != b.element.effect { return a.element.effect > b.element.effect }
                return a.offset < b.offset
            }.map(\.element)
        }

        /// Whether the embeddings drift.
        public var embeddingsDrift: Bool {
            embeddings.map { corrected($0.pValue) < settings.alpha && $0.squared >= settings.minMMD } ?? false
        }

        /// Whether the predicted classes' shares drift.
        public var classesDrift: Bool {
            predictedClasses.map { corrected($0.pValue) < settings.alpha && $0.largest >= settings.minEffect } ?? false
        }

        /// The smallest corrected p-value among tests whose effect reaches its minimum (1 when none does): the
        /// check fails exactly when it is below alpha.
        public var value: Double {
            var ps = properties.filter { $0.effect >= settings.minEffect }.map { corrected($0.pValue) }
            if let e = embeddings, e.squared >= settings.minMMD { ps.append(corrected(e.pValue)) }
            if let c = predictedClasses, c.largest >= settings.minEffect { ps.append(corrected(c.pValue)) }
            return ps.min() ?? 1
        }
    }

    /// A drift check; every value given.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, settings: Settings = Settings(),
                onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.settings, self.onEmpty) = (id, severity, settings, onEmpty)
    }

    /// Measures `context`'s test images against its training reference; nil when either side has fewer than two
    /// images (nothing to compare). Cached on the context, so the report reuses the check's numbers.
    public static func measure(_ context: CheckContext, _ settings: Settings) throws -> Measurement? {
        try context.cache.value("drift/\(settings)") { () throws -> Measurement? in
            try measureUncached(context, settings)
        }
    }

    private static func measureUncached(_ context: CheckContext, _ s: Settings) throws -> Measurement? {
        let judgedAll = context.samples(.test), referenceAll = context.reference.samples
        guard judgedAll.count >= 2, referenceAll.count >= 2 else { return nil }
        // Streams 1 and 2: the two sides are subsampled independently of each other and of the permutations.
        var judgedRandom = SeededRandom(seed: s.seed, stream: 1), referenceRandom = SeededRandom(seed: s.seed, stream: 2)
        let judgedChosen = subsampleIndices(judgedAll.count, max: s.maxImages, random: &judgedRandom)
        let referenceChosen = subsampleIndices(referenceAll.count, max: s.maxImages, random: &referenceRandom)
        let judged = judgedChosen.map { judgedAll[$0] }, reference = referenceChosen.map { referenceAll[$0] }
        // One patient's images share a slide and a stain: with patients on both sides, the p-values move whole
        // patients, or any two sets of patients would differ significantly.
        let clusters: (reference: [String], judged: [String])? = if let r = context.reference.groups, let j = context.groups(.test) {
            (referenceChosen.map { r[$0] }, judgedChosen.map { j[$0] })
        } else { nil }
        let subsampleKey = "\(s.maxImages)/\(s.seed)"

        var comparisons: [PropertyComparison] = []
        if !s.properties.isEmpty {
            let referenceProperties = try context.reference.cache.value("properties/\(subsampleKey)") {
                try properties(reference, context.decodedImages)
            }
            let judgedProperties = try properties(judged, context.decodedImages)
            for property in s.properties {
                // Images without the property (sharpness of a tiny image) drop out with their patient label.
                let a = referenceProperties.indices.compactMap { i in referenceProperties[i]?[property].map { (i, $0) } }
                let b = judgedProperties.indices.compactMap { i in judgedProperties[i]?[property].map { (i, $0) } }
                guard !a.isEmpty, !b.isEmpty else { continue }
                let (x, y) = (a.map(\.1), b.map(\.1))
                let groups = clusters.map { named in
                    PermutationGroups(first: a.map { named.reference[$0.0] }, second: b.map { named.judged[$0.0] })
                }
                let effect: Double, p: Double
                if let groups, s.test == .ks {
                    (effect, p) = try KolmogorovSmirnov.clusterPermutation(x, y, groups: groups, permutations: s.permutations, seed: s.seed)
                } else {
                    let ks = try KolmogorovSmirnov(x, y)
                    (effect, p) = (ks.statistic, ks.pValue)
                }
                let wasserstein = s.test == .wasserstein
                    ? try Wasserstein(x, y, permutations: s.permutations, seed: s.seed, groups: groups) : nil
                comparisons.append(PropertyComparison(property: property, reference: x, judged: y, effect: effect,
                                                      pValue: wasserstein?.pValue ?? p, wasserstein: wasserstein?.distance,
                                                      cohensD: try StandardizedMeanDifference.cohensD(x, y)))
            }
        }

        var mmd: MaximumMeanDiscrepancy?
        var classes: ClassShareDifference?
        if s.embeddings || s.predictedClasses {
            let referenceOutputs = try context.reference.cache.value("embeddings/\(subsampleKey)") {
                try embeddings(reference, context)
            }
            let judgedOutputs = try embeddings(judged, context)
            if s.embeddings {
                mmd = try MaximumMeanDiscrepancy(referenceOutputs.vectors, judgedOutputs.vectors, permutations: s.permutations, seed: s.seed,
                                                 groups: clusters.map { PermutationGroups(first: $0.reference, second: $0.judged) })
            }
            if s.predictedClasses {
                // Decided as the metrics decide: at the operating point when one is set.
                let threshold: Double? = if case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
                func decided(_ p: DatasetPredictions) -> [Int] { p.predictedClasses(positive: context.positiveClass, threshold: threshold) }
                classes = try ClassShareDifference(decided(referenceOutputs.predictions), decided(judgedOutputs.predictions),
                                                   classes: context.model.classCount, permutations: s.permutations, seed: s.seed,
                                                   groups: clusters.map { PermutationGroups(first: $0.reference, second: $0.judged) })
            }
        }
        return Measurement(settings: s, referenceCount: reference.count, judgedCount: judged.count,
                           clusters: clusters.map { (Set($0.reference).count, Set($0.judged).count) }, properties: comparisons,
                           embeddings: mmd, predictedClasses: classes)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let s = settings
        let title = "judged data like the training split (\(s.testCount) tests, Bonferroni α = \(CheckValue.number(s.alpha).spelling))"
        func result(_ verdict: CheckResult.Verdict, _ message: String, value: Double? = nil, samples: Int,
                    details: [String: Double] = [:], evidence: [String] = []) -> CheckResult {
            CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: value, estimate: value,
                        threshold: s.alpha, comparison: .atLeast, samples: samples, message: message, details: details, evidence: evidence)
        }
        let judgedCount = context.split.indices(.test).count, referenceCount = context.reference.samples.count
        guard judgedCount > 0 else { return result(onEmpty, "the judged data is empty", samples: 0) }
        guard judgedCount >= s.minSamples, referenceCount >= s.minSamples else {
            return result(.inconclusive, "\(referenceCount) training and \(judgedCount) judged images: fewer than the \(s.minSamples) "
                          + "needed on each side to decide", samples: min(judgedCount, referenceCount))
        }
        guard let m = try Self.measure(context, s) else {
            return result(.inconclusive, "too few images to compare", samples: min(judgedCount, referenceCount))
        }

        var details: [String: Double] = ["tests": Double(s.testCount), "referenceImages": Double(m.referenceCount),
                                         "judgedImages": Double(m.judgedCount)]
        if let clusters = m.clusters {
            details["referencePatients"] = Double(clusters.reference)
            details["judgedPatients"] = Double(clusters.judged)
        }
        var lines: [(drifts: Bool, effect: Double, text: String)] = []
        var drifting: [String] = []
        for c in m.worstFirst {
            let name = c.property.rawValue
            details["p.\(name)"] = c.pValue
            details["effect.\(name)"] = c.effect
            if let d = c.cohensD { details["cohensD.\(name)"] = d }
            if let w = c.wasserstein { details["wasserstein.\(name)"] = w }
            let drifts = m.drifts(c)
            if drifts { drifting.append(String(format: "%@ (D %.3f)", name, c.effect)) }
            let means = String(format: "mean %.4g training, %.4g judged", mean(c.reference), mean(c.judged))
            let wasserstein = c.wasserstein.map { String(format: ", Wasserstein %.4g", $0) } ?? ""
            let cohen = c.cohensD.map { String(format: ", Cohen's d %.2f", $0) } ?? ""
            lines.append((drifts, c.effect, "\(name): KS D \(Self.format(c.effect)), p \(Self.format(c.pValue)) (corrected "
                          + "\(Self.format(m.corrected(c.pValue))))\(wasserstein)\(cohen); \(means)" + (drifts ? " — drift" : "")))
        }
        if let e = m.embeddings {
            details["p.embeddings"] = e.pValue
            details["mmd2"] = e.squared
            let drifts = m.embeddingsDrift
            if drifts { drifting.append(String(format: "embeddings (MMD² %.3f)", e.squared)) }
            lines.append((drifts, e.squared, "embeddings: MMD² \(Self.format(e.squared)) (σ \(Self.format(e.bandwidth))), p "
                          + "\(Self.format(e.pValue)) (corrected \(Self.format(m.corrected(e.pValue))), \(e.permutations) permutations)"
                          + (drifts ? " — drift" : "")))
        }
        if let c = m.predictedClasses {
            details["p.predicted_classes"] = c.pValue
            details["effect.predicted_classes"] = c.largest
            let names = context.metadata.classNames
            let name = names.indices.contains(c.largestClass) ? names[c.largestClass] : "class \(c.largestClass)"
            let drifts = m.classesDrift
            if drifts { drifting.append(String(format: "predicted classes (%@ %.3f)", name, c.largest)) }
            let shares = zip(c.firstShares, c.secondShares).enumerated().map { k, pair in
                String(format: "%@ %.1f%% → %.1f%%", names.indices.contains(k) ? names[k] : "class \(k)", 100 * pair.0, 100 * pair.1)
            }.joined(separator: ", ")
            lines.append((drifts, c.largest, "predicted classes: largest share difference \(Self.format(c.largest)) (\(name)), p "
                          + "\(Self.format(c.pValue)) (corrected \(Self.format(m.corrected(c.pValue)))); training → judged: \(shares)"
                          + (drifts ? " — drift" : "")))
        }
        // Drifting tests first; the property lines are already worst first among themselves.
        let evidence = lines.filter(\.drifts).map(\.text) + lines.filter { !$0.drifts }.map(\.text)
        let sizes = "\(m.referenceCount) training and \(m.judgedCount) judged images"
            + (m.clusters.map { " (p-values over whole patients: \($0.reference) and \($0.judged))" } ?? "")
        guard drifting.isEmpty else {
            return result(.fail, "drift in \(drifting.joined(separator: ", ")) between \(sizes)", value: m.value,
                          samples: m.judgedCount, details: details, evidence: evidence)
        }
        let largest = m.worstFirst.first.map { String(format: "; largest KS D %.3f (%@)", $0.effect, $0.property.rawValue) } ?? ""
        return result(.pass, "no drift between \(sizes)\(largest); smallest corrected p among tests whose effect reaches its "
                      + "minimum: \(Self.format(m.value))", value: m.value, samples: m.judgedCount, details: details, evidence: evidence)
    }

    /// Up to `max` of the indices 0..<count, in ascending order: the first `max` of a partial Fisher–Yates shuffle
    /// (all of them when count ≤ max).
    public static func subsampleIndices(_ count: Int, max: Int, random: inout SeededRandom) -> [Int] {
        guard count > max else { return Array(0..<count) }
        var order = Array(0..<count)
        for i in 0..<max { order.swapAt(i, i + random.next(below: count - i)) }
        return order[..<max].sorted()
    }

    /// Each image's properties, measured on the decoded original (before any resizing), in order; nil for an image
    /// without pixels.
    static func properties(_ samples: [LabeledImage], _ decoded: DecodedImageStore) throws -> [ImageProperties?] {
        try ParallelMap.map(samples.count) { i in Result { ImageProperties(try decoded.image(at: samples[i].url)) } }
            .map { try $0.get() }
    }

    /// The model's embeddings and logits of `samples`, at the context's evaluation preprocessing.
    static func embeddings(_ samples: [LabeledImage], _ context: CheckContext) throws -> DatasetEmbeddings {
        let loader = BatchLoader(samples: samples, preprocessing: context.preprocessing, batchSize: 64, mode: .evaluation,
                                 decoded: context.decodedImages, threads: context.threads)
        return try context.model.embeddings(loader, threads: context.threads)
    }

    private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

    /// Four significant digits, in exponent form when small.
    public static func format(_ x: Double) -> String { String(format: abs(x) < 1e-3 && x != 0 ? "%.2e" : "%.4g", x) }
}

extension DriftCheck: CheckDefinition {
    public static let name = "drift"
    public static let phase = CheckPhase.postTrain
    public static let doc = "the judged data (test split, evaluation set, `verify --data` folder) against the training split: per image "
        + "property a KS (or Wasserstein permutation) test with KS D as effect and Cohen's d, the model's embeddings by MMD (permutation "
        + "test), predicted-class shares (permutation test of the largest share difference); a test drifts when its p times the number "
        + "of tests (Bonferroni) is below `alpha` and its effect reaches `min_effect` (`min_mmd`); any drift fails, worst first"
    static let properties = CheckKey("properties", type: "list of " + ImageProperties.Property.allCases.map(\.rawValue).joined(separator: ", "),
                                     .defaultValue(.list(ImageProperties.Property.allCases.map { .text($0.rawValue) })),
                                     doc: "image properties compared, each on the decoded original image") { node, reader in
        readProperties(node, &reader).map { .list($0.map { .text($0.rawValue) }) }
    }
    static let test = CheckKey.choice("test", .defaultValue(.text(PropertyTest.ks.rawValue)), among: PropertyTest.allCases.map(\.rawValue),
                                      doc: "each property's test: Kolmogorov–Smirnov, or Wasserstein distance with a permutation p-value")
    static let embeddings = CheckKey.choice("embeddings", .defaultValue(.text("true")), among: ["true", "false"],
                                            doc: "compare the model's penultimate-layer embeddings (MMD, Gaussian kernel, median bandwidth)")
    static let predictedClasses = CheckKey.choice("predicted_classes", .defaultValue(.text("true")), among: ["true", "false"],
                                                  doc: "compare the shares of predicted classes (at the operating point)")
    static let alpha = CheckKey.number("alpha", .defaultValue(.number(0.01)), "in (0, 1)",
                                       doc: "family-wise level: each p-value is multiplied by the number of tests run") { $0 > 0 && $0 < 1 }
    static let minEffect = CheckKey.number("min_effect", .defaultValue(.number(0.1)), "in [0, 1]",
                                           doc: "smallest KS D or predicted-class share difference that counts as drift") { $0 >= 0 && $0 <= 1 }
    static let minMMD = CheckKey.number("min_mmd", .defaultValue(.number(0.05)), "at least 0",
                                        doc: "smallest MMD² of the embeddings that counts as drift") { $0 >= 0 }
    static let maxImages = CheckKey.integer("max_images", .defaultValue(.integer(2000)), atLeast: 2,
                                            doc: "each side is subsampled (seeded) to at most this many images, bounding the cost")
    static let permutations = CheckKey.integer("permutations", .defaultValue(.integer(2000)), atLeast: 1, atMost: 1_000_000,
                                               doc: "of each permutation test; enough that 1/(permutations+1) times the tests is below alpha")
    static let seed = CheckKey.integer("seed", .defaultValue(.integer(0)), atLeast: 0, doc: "subsampling and permutations")
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer training or judged images give INCONCLUSIVE")
    public static let keys = [properties, test, embeddings, predictedClasses, alpha, minEffect, minMMD, maxImages, permutations, seed, minSamples]

    /// The settings of a validated drift entry.
    public static func settings(of entry: Spec.Check) -> Settings {
        let names: [String] = if case .list(let items)? = entry.value(properties) {
            items.compactMap { if case .text(let name) = $0 { name } else { nil } }
        } else { [] }
        return Settings(properties: names.compactMap(ImageProperties.Property.init(rawValue:)),
                        test: PropertyTest(rawValue: entry.text(test)) ?? .ks, embeddings: entry.text(embeddings) == "true",
                        predictedClasses: entry.text(predictedClasses) == "true", alpha: entry.number(alpha),
                        minEffect: entry.number(minEffect), minMMD: entry.number(minMMD), maxImages: entry.integer(maxImages),
                        permutations: entry.integer(permutations), seed: UInt64(entry.integer(seed)), minSamples: entry.integer(minSamples))
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [DriftCheck(id: entry.id, severity: entry.severity, settings: settings(of: entry), onEmpty: entry.onEmpty.verdict)]
    }

    /// Something to test; permutation tests able to reach alpha after the correction; a subsample no smaller than
    /// `min_samples`, which would make every run INCONCLUSIVE.
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        // Every key has a default, so a missing value is one already reported as invalid.
        guard keys.allSatisfy({ entry.value($0) != nil }) else { return false }
        let s = settings(of: entry)
        var ok = true
        if s.testCount == 0 {
            reader.report(at: entry.position, "drift: nothing to compare: list some properties, or set embeddings or predicted_classes to true")
            ok = false
        }
        let permutationTests = s.embeddings || s.predictedClasses || (s.test == .wasserstein && !s.properties.isEmpty)
        if s.testCount > 0, permutationTests, !s.permutationsSuffice {
            let needed = Int((Double(s.testCount) / s.alpha).rounded(.down))
            reader.report(at: entry.position(of: permutations), "permutations: \(s.permutations) permutations give p ≥ 1/\(s.permutations + 1), "
                          + "which times \(s.testCount) tests never falls below alpha \(CheckValue.number(s.alpha).spelling); use at least \(needed)")
            ok = false
        }
        if s.maxImages < s.minSamples {
            reader.report(at: entry.position(of: maxImages), "max_images: \(s.maxImages) is below min_samples \(s.minSamples), so the check "
                          + "could never decide")
            ok = false
        }
        return ok
    }

    /// Known and distinct property names; an empty list is allowed when the embeddings or classes are compared.
    private static func readProperties(_ node: Node, _ reader: inout SpecReader) -> [ImageProperties.Property]? {
        guard let items = reader.list(node, "properties", of: "image properties") else { return nil }
        let names = ImageProperties.Property.allCases.map(\.rawValue)
        var result: [ImageProperties.Property] = [], ok = true
        for item in items {
            guard let name = reader.choice(item, "properties", among: names), let property = ImageProperties.Property(rawValue: name) else {
                ok = false
                continue
            }
            if result.contains(property) {
                reader.report(item, "properties: '\(name)' is listed twice")
                ok = false
            }
            result.append(property)
        }
        return ok ? result : nil
    }
}
