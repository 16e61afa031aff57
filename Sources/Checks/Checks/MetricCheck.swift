import Datasets
import Foundation
import Yams

/// A metric on the test split against a threshold, on its point value or a confidence bound
/// (a bootstrap over whole groups when the data has them; else Wilson for rates, DeLong for
/// ROC-AUC, a seeded stratified bootstrap otherwise). Below `minSamples` the verdict is
/// INCONCLUSIVE rather than a coin flip. Metrics of the predicted classes are measured at the
/// model's stored threshold or the one an `operating_point` check before it chose, and say so.
public struct MetricCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let gate: Gate
    public let onEmpty: CheckResult.Verdict

    /// A threshold on a test-set metric.
    public struct Gate: Sendable, Equatable {
        public var metric: Spec.Metric
        /// Strictly inside the metric's range, so that the gate can both pass and fail.
        public var threshold: Double
        /// `.atLeast` for `min:`, `.atMost` for `max:`.
        public var comparison: CheckResult.Comparison
        /// `.lower` only with `.atLeast`, `.upper` only with `.atMost`.
        public var bound: Spec.Bound
        public var confidence: Double
        /// Below this many test images the verdict is inconclusive.
        public var minSamples: Int
        /// Whether the interval resamples whole groups (patients) when the data has them.
        public var byGroup: Bool
        /// The metric per slice, with its gates; nil for none.
        public var slices: Slices?

        /// Slices by the data's groups and what they must satisfy.
        public struct Slices: Sendable, Equatable {
            /// How reports name a slice, e.g. "patient".
            public var by: String
            /// Smaller slices are listed, not judged.
            public var minSize: Int
            /// A bound on the worst judged slice, on the gate's side; nil for none.
            public var worst: Double?
            /// The largest allowed spread between the best and the worst judged slice; nil for none.
            public var maxGap: Double?

            public init(by: String, minSize: Int, worst: Double?, maxGap: Double?) {
                (self.by, self.minSize, self.worst, self.maxGap) = (by, minSize, worst, maxGap)
            }
        }

        /// A gate with every value given.
        public init(metric: Spec.Metric, threshold: Double, comparison: CheckResult.Comparison, bound: Spec.Bound,
                    confidence: Double, minSamples: Int, byGroup: Bool = true, slices: Slices? = nil) {
            (self.metric, self.threshold, self.comparison) = (metric, threshold, comparison)
            (self.bound, self.confidence, self.minSamples, self.byGroup, self.slices) = (bound, confidence, minSamples, byGroup, slices)
        }
    }

    /// A check of one metric gate.
    public init(id: String, severity: CheckResult.Severity = .required, gate: Gate, onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.gate, self.onEmpty) = (id, severity, gate, onEmpty)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        var overall = try runOverall(context)
        guard let slicing = gate.slices, overall.verdict != .skipped else { return overall }
        let byGroup = SliceTable.byGroup.contains(slicing.by)
        guard let groups = context.sliceLabels(by: slicing.by, .test) else {
            overall.verdict = .inconclusive
            overall.message += byGroup ? "; no slices: the data has no group pattern"
                : "; no slices: the data has no metadata file with a '\(slicing.by)' column"
            return overall
        }
        let decision: Double? = if gate.metric.dependsOnThreshold, case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
        // A site holds several patients: its interval resamples them, as the overall one does.
        let clusters = byGroup || !gate.byGroup ? nil : context.groups(.test)
        let table = try SliceTable(gate.metric, on: try context.predictions(.test), positive: context.positiveClass, groups: groups,
                                   by: slicing.by, minSize: slicing.minSize, confidence: gate.confidence, threshold: decision,
                                   clusters: clusters)
        overall.slices = table
        let judged = table.rows.filter(\.judged).count
        var verdicts = [overall.verdict], notes: [String] = []
        if let worst = table.worst, let value = worst.value {
            notes.append(String(format: "worst %@ %@: %.4f on %d images", slicing.by, worst.name, value, worst.samples))
            if let bound = slicing.worst {
                let higher = gate.metric.higherIsBetter
                let holds = higher ? value >= bound : value <= bound
                verdicts.append(holds ? .pass : .fail)
                notes[notes.count - 1] += " (\(holds ? "meets" : "misses") \(higher ? ">=" : "<=") \(bound))"
            }
        } else if slicing.worst != nil || slicing.maxGap != nil {
            verdicts.append(.inconclusive)
            notes.append("no \(slicing.by) has the \(slicing.minSize) images a slice needs to be judged")
        }
        if let maxGap = slicing.maxGap, let gap = table.gap, judged > 1 {
            verdicts.append(gap <= maxGap ? .pass : .fail)
            notes.append(String(format: "gap between %@s %.4f (%@ %g)", slicing.by, gap, gap <= maxGap ? "within" : "over", maxGap))
        }
        let small = table.rows.count - judged
        if small > 0 { notes.append("\(small) of \(table.rows.count) \(slicing.by)s below \(slicing.minSize) images listed, not judged") }
        overall.verdict = verdicts.contains(.fail) ? .fail : verdicts.contains(.inconclusive) ? .inconclusive : overall.verdict
        overall.message += "; " + notes.joined(separator: "; ")
        overall.details["slices"] = Double(table.rows.count)
        overall.details["slicesJudged"] = Double(judged)
        return overall
    }

    /// The gate on the whole test split.
    private func runOverall(_ context: CheckContext) throws -> CheckResult {
        let name = gate.metric.rawValue
        let symbol = gate.comparison.rawValue
        let boundText = gate.bound == .point ? "" : " (\(gate.bound.rawValue) \(Int((gate.confidence * 100).rounded()))% bound)"
        let operatingPoint = gate.metric.dependsOnThreshold ? context.operatingPoint : nil
        let decision: Double? = if case .threshold(let t, _)? = operatingPoint { t } else { nil }
        let at = decision.map { String(format: " at threshold %.4g (%@)", $0, operatingPoint?.setBy ?? "") } ?? ""
        let title = "\(name) \(symbol) \(gate.threshold)\(boundText)\(at)"
        let predictions = try context.predictions(.test)
        func result(_ verdict: CheckResult.Verdict, _ message: String, _ m: MetricMeasurement? = nil, value: Double? = nil,
                    evidence: [String] = []) -> CheckResult {
            var details = m?.details ?? [:]
            details["threshold"] = decision
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: value,
                               estimate: m?.value, threshold: gate.threshold, comparison: gate.comparison,
                               interval: m?.interval.map { [$0.lower, $0.upper] }, confidence: m?.interval == nil ? nil : gate.confidence,
                               samples: m?.samples ?? predictions.labels.count, message: message, details: details, evidence: evidence)
        }
        if case .unavailable(let reason, let setBy)? = operatingPoint {
            return result(.inconclusive, "no decision threshold for \(name) (\(setBy)): \(reason)")
        }
        guard !predictions.labels.isEmpty else { return result(onEmpty, "the test split is empty") }
        guard let m = try MetricMeasurement.measure(gate.metric, on: predictions, positive: context.positiveClass, confidence: gate.confidence,
                                                    groups: gate.byGroup ? context.groups(.test) : nil, threshold: decision) else {
            return result(onEmpty, "\(name) is undefined on this test split (e.g. no \(context.metadata.classNames[context.positiveClass]) images)")
        }
        let value: Double
        switch gate.bound {
        case .point: value = m.value
        case .lower, .upper:
            guard let ci = m.interval else {
                return result(.inconclusive, "no confidence interval for \(name) here (\(m.method ?? "no method") undefined on \(m.samples) samples)", m)
            }
            value = gate.bound == .lower ? ci.lower : ci.upper
        }
        let evidence = Self.evidence(gate.metric, predictions, context, threshold: decision)
        let intervalText = m.interval.map { String(format: ", %.0f%% interval %.3f–%.3f (%@)", gate.confidence * 100, $0.lower, $0.upper, m.method ?? "") } ?? ""
        let measured = String(format: "%@ %.4f%@ on %d images%@", name, m.value, at, m.samples, intervalText)
        guard m.samples >= gate.minSamples else {
            return result(.inconclusive, "\(measured): fewer than the \(gate.minSamples) samples needed to decide", m, value: value, evidence: evidence)
        }
        let pass = gate.comparison == .atLeast ? value >= gate.threshold : value <= gate.threshold
        let which = gate.bound == .point ? "" : "the \(gate.bound.rawValue) bound "
        return result(pass ? .pass : .fail,
                      "\(measured); \(which)\(String(format: "%.4f", value)) \(pass ? "meets" : "misses") \(symbol) \(gate.threshold)",
                      m, value: value, evidence: pass ? [] : evidence)
    }

    /// The images behind a failure: missed positives for a false-negative rate, false alarms
    /// for specificity, the most confident mistakes otherwise; at the operating point's threshold when there is one.
    static func evidence(_ metric: Spec.Metric, _ p: DatasetPredictions, _ context: CheckContext, threshold: Double?) -> [String] {
        let names = context.metadata.classNames, positive = context.positiveClass
        let k = p.classes, probs = p.probabilities, paths = context.paths(.test)
        let predicted = p.predictedClasses(positive: positive, threshold: threshold)
        var wrong = (0..<p.labels.count).filter { predicted[$0] != p.labels[$0] }
        switch metric {
        case .falseNegativeRate, .recall, .sensitivity: wrong = wrong.filter { p.labels[$0] == positive }
        case .specificity, .falsePositiveRate, .precision: wrong = wrong.filter { p.labels[$0] != positive }
        default: break
        }
        return wrong.sorted { probs[$0 * k + predicted[$0]] > probs[$1 * k + predicted[$1]] }.prefix(8).map { i in
            String(format: "%@: %@ predicted %@ (p %.3f)", paths[i], names[p.labels[i]], names[predicted[i]], probs[i * k + predicted[i]])
        }
    }
}

extension MetricCheck: CheckDefinition {
    public static let name = "metric"
    public static let phase = CheckPhase.postTrain
    public static let doc = Spec.Metric.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        + " on the test split against `min` or `max`, on the point value or a confidence bound "
        + "(seeded bootstrap over patients (groups); without groups Wilson for rates, DeLong for ROC-AUC, "
        + "stratified bootstrap otherwise); INCONCLUSIVE below `min_samples`"
    static let metric = CheckKey.metric("metric", doc: "what is measured")
    static let min = CheckKey.number("min", .optional, doc: "the value must be at least this (give `min` or `max`)")
    static let max = CheckKey.number("max", .optional, doc: "the value must be at most this (give `min` or `max`)")
    static let bound = CheckKey.choice("bound", .defaultValue(.text(Spec.Bound.point.rawValue)), among: Spec.Bound.allCases.map(\.rawValue),
                                       doc: "gate the value, its lower bound (with `min`) or its upper bound (with `max`)")
    static let confidence = CheckKey.number("confidence", .defaultValue(.number(0.95)), "in (0, 1)",
                                            doc: "level of the confidence interval") { $0 > 0 && $0 < 1 }
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer samples give INCONCLUSIVE")
    static let interval = CheckKey.choice("interval", .defaultValue(.text(Spec.IntervalUnit.group.rawValue)),
                                          among: Spec.IntervalUnit.allCases.map(\.rawValue),
                                          doc: "with a group pattern, resample whole groups (patients) for the interval, or treat images as independent")
    static let sliceBy = CheckKey("slice_by", type: "a name or a list of names", .optional,
                                  doc: "also measure on each slice, worst first: `patient` (the group pattern's groups) or a column "
                                      + "of the data's metadata file (`site`); several names make one check each (id.name)") { node, reader in
        let items = node.sequence.map(Array.init) ?? [node]
        guard !items.isEmpty else {
            reader.report(node, "slice_by: name at least one slicing (`patient`, or a metadata column)")
            return nil
        }
        var names: [CheckValue] = [], ok = true
        for item in items {
            guard let name = reader.string(item, "slice_by") else { ok = false; continue }
            if name.isEmpty || names.contains(.text(name)) {
                reader.report(item, name.isEmpty ? "slice_by: expected a name, got ''" : "slice_by: '\(name)' is listed twice")
                ok = false
            }
            names.append(.text(name))
        }
        return ok ? .list(names) : nil
    }
    static let minSliceSize = CheckKey.integer("min_slice_size", .defaultValue(.integer(20)), atLeast: 1, atMost: SpecLimits.checkImages,
                                               doc: "smaller slices are listed, not judged")
    static let worstSlice = CheckKey("worst_slice", type: "{min: number} or {max: number}", .optional,
                                     doc: "the worst judged slice must meet this, e.g. {min: 0.9}") { node, reader in
        guard let mapping = node.mapping, mapping.count == 1, let (key, value) = mapping.first,
              let side = key.string, ["min", "max"].contains(side) else {
            reader.report(node, "worst_slice: expected {min: VALUE} or {max: VALUE}, got \(SpecReader.describe(node))")
            return nil
        }
        return reader.bounded(value, "worst_slice \(side)", "in [0, 1]") { $0 >= 0 && $0 <= 1 }.map { .list([.text(side), .number($0)]) }
    }
    static let maxGap = CheckKey.number("max_gap", .optional, "in (0, 1]",
                                        doc: "the largest allowed spread between the best and the worst judged slice") { $0 > 0 && $0 <= 1 }
    public static let keys = [metric, min, max, bound, confidence, minSamples, interval, sliceBy, minSliceSize, worstSlice, maxGap]

    /// "metric.<the metric>", so that gates on different metrics need no ids.
    public static func defaultID(_ entry: Spec.Check) -> String? {
        entry.value(metric).map { "\(name).\($0.spelling)" }
    }

    /// Exactly one of `min` and `max`, a bound on its side, a threshold that can both pass and fail.
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = CheckKey.metricHasItsPositiveClass(entry, metric, &reader)
        let gate: (key: CheckKey, threshold: Double?, comparison: CheckResult.Comparison)
        switch (entry.valuePositions[min.name], entry.valuePositions[max.name]) {
        case (nil, nil):
            reader.report(at: entry.position, "metric check: give 'min' or 'max'")
            return false
        case (.some, .some(let position)):
            reader.report(at: position, "metric check: give either 'min' or 'max', not both")
            return false
        case (.some, nil): gate = (min, entry.value(min).flatMap(number), .atLeast)
        case (nil, .some): gate = (max, entry.value(max).flatMap(number), .atMost)
        }
        if case .text(let text)? = entry.value(bound), let value = Spec.Bound(rawValue: text),
           value == .upper && gate.comparison == .atLeast || value == .lower && gate.comparison == .atMost {
            reader.report(at: entry.position(of: bound), "bound: '\(text)' goes with '\(value == .upper ? "max" : "min")', not '\(gate.key.name)'")
            ok = false
        }
        ok = validateSlices(entry, &reader) && ok
        guard let threshold = gate.threshold else { return false }
        let metricName = entry.value(metric)?.spelling ?? "the metric"
        let written = CheckValue.number(threshold).spelling
        if gate.comparison == .atLeast ? threshold <= 0 : threshold >= 1 {
            reader.report(at: entry.position(of: gate.key), "\(gate.key.name): threshold \(written) can never fail; \(metricName) lies in [0, 1]")
            ok = false
        } else if gate.comparison == .atLeast ? threshold > 1 : threshold < 0 {
            reader.report(at: entry.position(of: gate.key), "\(gate.key.name): threshold \(written) can never pass; \(metricName) lies in [0, 1]")
            ok = false
        }
        return ok
    }

    /// Slice keys need `slice_by` and a group pattern; `worst_slice` bounds the side that is worse for the metric.
    private static func validateSlices(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = true
        if entry.valuePositions[sliceBy.name] == nil {
            for key in [minSliceSize, worstSlice, maxGap] where entry.valuePositions[key.name] != nil {
                reader.report(at: entry.position(of: key), "\(key.name): needs slice_by (what the slices are)")
                ok = false
            }
        }
        for name in sliceNames(entry) {
            if SliceTable.byGroup.contains(name) {
                if !entry.context.groupsGiven {
                    reader.report(at: entry.position(of: sliceBy), "slice_by: \(name) needs data.split.group_pattern, which names each image's patient")
                    ok = false
                }
                continue
            }
            guard entry.context.dataSectionsValid else { continue }
            // Every set the check runs on must say which slice each image is in.
            for set in entry.context.dataSets where entry.runs(on: set.name) {
                let whose = set.name == Spec.EvaluationSet.testSplit ? "data.metadata" : "the metadata of evaluation set '\(set.name)'"
                guard set.hasMetadata else {
                    reader.report(at: entry.position(of: sliceBy), "slice_by: '\(name)' is neither patient nor a metadata column, "
                        + "and \(set.name == Spec.EvaluationSet.testSplit ? "data has no metadata file" : "evaluation set '\(set.name)' has no metadata file")"
                        + " (or name the sets this check runs on with `sets:`)")
                    ok = false
                    continue
                }
                if let columns = set.columns, !columns.contains(name) {
                    reader.report(at: entry.position(of: sliceBy), "slice_by: '\(name)' is not a column of \(whose) (its columns: "
                        + columns.joined(separator: ", ") + ")" + Suggestion.hint(for: name, among: columns + SliceTable.byGroup))
                    ok = false
                }
            }
        }
        if case .list(let parts)? = entry.value(worstSlice), case .text(let side)? = parts.first,
           case .text(let text)? = entry.value(metric), let measured = Spec.Metric(rawValue: text) {
            let worse = measured.higherIsBetter ? "min" : "max"
            if side != worse {
                reader.report(at: entry.position(of: worstSlice),
                              "worst_slice: \(text) is worse when \(measured.higherIsBetter ? "lower" : "higher"); bound it with {\(worse): VALUE}")
                ok = false
            }
        }
        return ok
    }

    /// The metadata columns an entry slices by (not its patient slicing); none without `slice_by`.
    public static func sliceColumns(_ entry: Spec.Check) -> [String] {
        entry.kind.name == name ? sliceNames(entry).filter { !SliceTable.byGroup.contains($0) } : []
    }

    /// The slicings `slice_by` names, in order; none without it.
    private static func sliceNames(_ entry: Spec.Check) -> [String] {
        guard case .list(let names)? = entry.value(sliceBy) else { return [] }
        return names.map(\.spelling)
    }

    /// One check per slicing (ids `id.name` when there are several), or one without slices.
    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        let slicings = sliceNames(entry)
        guard slicings.count > 1 else { return [check(entry, id: entry.id, slicedBy: slicings.first)] }
        return slicings.map { check(entry, id: "\(entry.id).\($0)", slicedBy: $0) }
    }

    private static func check(_ entry: Spec.Check, id: String, slicedBy: String?) -> MetricCheck {
        let atLeast = entry.value(min) != nil
        guard case .number(let threshold)? = entry.value(atLeast ? min : max),
              let measured = Spec.Metric(rawValue: entry.text(metric)), let bound = Spec.Bound(rawValue: entry.text(bound))
        else { preconditionFailure("metric check '\(entry.id)' was built without validation") }
        let gate = Gate(metric: measured, threshold: threshold, comparison: atLeast ? .atLeast : .atMost, bound: bound,
                        confidence: entry.number(confidence), minSamples: entry.integer(minSamples),
                        byGroup: entry.text(interval) == Spec.IntervalUnit.group.rawValue,
                        slices: slicedBy.map { by in
                            var worst: Double?
                            if case .list(let parts)? = entry.value(worstSlice), case .number(let x)? = parts.last { worst = x }
                            let gap: Double? = if case .number(let g)? = entry.value(maxGap) { g } else { nil }
                            return Gate.Slices(by: by, minSize: entry.integer(minSliceSize), worst: worst, maxGap: gap)
                        })
        return MetricCheck(id: id, severity: entry.severity, gate: gate, onEmpty: entry.onEmpty.verdict)
    }

    private static func number(_ value: CheckValue) -> Double? { if case .number(let x) = value { x } else { nil } }
}

extension CheckKey {
    /// A metric's name; a misspelt one gets a suggestion.
    static func metric(_ name: String, _ requirement: Requirement = .required, doc: String) -> CheckKey {
        CheckKey(name, type: "a metric: " + Spec.Metric.allCases.map(\.rawValue).joined(separator: ", "), requirement, doc: doc) { node, reader in
            guard let text = reader.string(node, name) else { return nil }
            guard Spec.Metric(rawValue: text) != nil else {
                reader.report(node, "unknown metric '\(text)'" + Suggestion.hint(for: text, among: Spec.Metric.allCases.map(\.rawValue)))
                return nil
            }
            return .text(text)
        }
    }

    /// False after reporting a one-against-the-rest metric in a spec without `data.positive_class`.
    static func metricHasItsPositiveClass(_ entry: Spec.Check, _ key: CheckKey, _ reader: inout SpecReader) -> Bool {
        guard case .text(let text)? = entry.value(key), let metric = Spec.Metric(rawValue: text),
              metric.needsPositiveClass, !entry.context.positiveClassGiven else { return true }
        reader.report(at: entry.position(of: key), "\(key.name): \(text) needs data.positive_class, the class that counts as positive")
        return false
    }
}
