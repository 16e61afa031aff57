import Datasets
import Foundation
import Imaging

/// The test split under one family of perturbations (a corruption at its severities, or a colour
/// shift across its range): per level, the share of images whose decided class changes and the
/// drop of a metric, each with an interval (over patients when the data has groups), gated on
/// the worst gated level. `robustness` and `colour_shift` entries make these.
public struct PerturbationCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    /// The kind the spec names (`robustness`, `colour_shift`).
    public let kind: String
    public let family: PerturbationTable.Kind
    /// The corruption's or shift's name, e.g. "gaussian_noise".
    public let name: String
    public let levels: [Level]
    public let gates: Gates
    public let metric: Spec.Metric
    public let confidence: Double
    /// Seed of every noisy image.
    public let seed: UInt64
    public let minSamples: Int
    /// Images listed (and pictured) per level whose class changed.
    public let worst: Int
    public let onEmpty: CheckResult.Verdict

    /// One level: what is done to the images, the number reports show, and whether it is gated.
    public struct Level: Sendable, Equatable {
        public let perturbation: ImagePerturbation
        public let value: Double
        public let gated: Bool

        /// A level of a family.
        public init(_ perturbation: ImagePerturbation, value: Double, gated: Bool) {
            (self.perturbation, self.value, self.gated) = (perturbation, value, gated)
        }
    }

    /// What the worst gated level must satisfy; both nil: reported, not gated.
    public struct Gates: Sendable, Equatable {
        /// Largest share of images whose class may change.
        public var maxFlipRate: Double?
        /// Largest drop of the metric from the clean images.
        public var maxDrop: Double?
        /// Gate the upper confidence bounds rather than the point estimates.
        public var upperBound: Bool

        /// Gates as the spec gives them.
        public init(maxFlipRate: Double?, maxDrop: Double?, upperBound: Bool) {
            (self.maxFlipRate, self.maxDrop, self.upperBound) = (maxFlipRate, maxDrop, upperBound)
        }
    }

    /// A check of one family with every setting given.
    public init(id: String, severity: CheckResult.Severity = .required, kind: String, family: PerturbationTable.Kind, name: String,
                levels: [Level], gates: Gates, metric: Spec.Metric = .accuracy, confidence: Double = 0.95, seed: UInt64 = 0,
                minSamples: Int = 30, worst: Int = 8, onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.kind, self.family, self.name, self.levels) = (id, severity, kind, family, name, levels)
        (self.gates, self.metric, self.confidence, self.seed) = (gates, metric, confidence, seed)
        (self.minSamples, self.worst, self.onEmpty) = (minSamples, worst, onEmpty)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let gated = levels.contains(where: \.gated) && (gates.maxFlipRate != nil || gates.maxDrop != nil)
        let title = "\(name) " + (gated ? gateWords : "reported, not gated")
        func result(_ verdict: CheckResult.Verdict, _ message: String, value: Double? = nil, samples: Int,
                    table: PerturbationTable? = nil, evidence: [String] = []) -> CheckResult {
            var r = CheckResult(id: id, kind: kind, title: title, severity: severity, verdict: verdict, value: value,
                                threshold: gates.maxFlipRate ?? gates.maxDrop, comparison: gated ? .atMost : nil,
                                confidence: confidence, samples: samples, message: message, evidence: evidence)
            r.perturbations = table
            return r
        }
        if case .unavailable(let reason, let setBy)? = context.operatingPoint {
            return result(.inconclusive, "no decision threshold (\(setBy)): \(reason)", samples: 0)
        }
        let clean = try context.predictions(.test)
        guard !clean.labels.isEmpty else { return result(onEmpty, "the test split is empty", samples: 0) }
        let table = try measure(context, clean: clean)
        let n = clean.labels.count
        let evidence = table.rows.flatMap { row in row.changedImages.map { "\(Self.levelName(table, row)): \($0)" } }
        let summary = table.rows.map { row in
            String(format: "%@ %d of %d changed (%.1f%%)", Self.levelName(table, row), row.changed, row.samples, 100 * row.flipRate)
                + (row.drop.map { String(format: ", %@ drop %.3f", metric.rawValue, $0) } ?? "")
        }.joined(separator: "; ")
        guard n >= minSamples else {
            return result(.inconclusive, "only \(n) test images, fewer than the \(minSamples) needed to decide; \(summary)", samples: n,
                          table: table, evidence: evidence)
        }
        guard gated else { return result(.pass, "\(summary); reported, not gated", samples: n, table: table, evidence: evidence) }
        // The worst gated level decides; a drop that cannot be measured cannot pass its gate.
        var failures: [String] = [], undecided: [String] = [], worstValue = -Double.infinity
        for row in table.rows where row.gated {
            let level = Self.levelName(table, row)
            if let limit = gates.maxFlipRate {
                let value = gates.upperBound ? (row.flipInterval?.last ?? row.flipRate) : row.flipRate
                worstValue = max(worstValue, value)
                if value > limit { failures.append(String(format: "%@ changes %.3f > %g", level, value, limit)) }
            }
            if let limit = gates.maxDrop {
                guard let drop = row.drop else { undecided.append("\(level): \(metric.rawValue) undefined"); continue }
                let value = gates.upperBound ? (row.dropInterval?.last ?? drop) : drop
                if gates.maxFlipRate == nil { worstValue = max(worstValue, value) }
                if value > limit { failures.append(String(format: "%@ drops %@ by %.3f > %g", level, metric.rawValue, value, limit)) }
            }
        }
        let verdict: CheckResult.Verdict = !failures.isEmpty ? .fail : undecided.isEmpty ? .pass : .inconclusive
        let outcome = failures.isEmpty ? (undecided.isEmpty ? "every gated level holds" : undecided.joined(separator: "; ")) : failures.joined(separator: "; ")
        return result(verdict, "\(outcome); \(summary)", value: worstValue.isFinite ? worstValue : nil, samples: n, table: table,
                      evidence: evidence)
    }

    /// The gates in words, for the title.
    private var gateWords: String {
        let bound = gates.upperBound ? " (upper \(Int((confidence * 100).rounded()))% bound)" : ""
        return [gates.maxFlipRate.map { "changed ≤ \(CheckValue.number($0).spelling)" },
                gates.maxDrop.map { "\(metric.rawValue) drop ≤ \(CheckValue.number($0).spelling)" }]
            .compactMap { $0 }.joined(separator: ", ") + bound
    }

    /// Every level measured against the clean predictions.
    func measure(_ context: CheckContext, clean: DatasetPredictions) throws -> PerturbationTable {
        let threshold: Double? = if case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
        let positive = context.positiveClass, groups = context.groups(.test), paths = context.paths(.test)
        let before = MetricMeasurement.Decided(clean, positive: positive, threshold: threshold)
        let all = Array(clean.labels.indices)
        let cleanValue = try MetricMeasurement.value(metric, before, at: all)?.value
        let sign: Double = metric.higherIsBetter ? 1 : -1
        let rows = try levels.map { level -> PerturbationTable.Row in
            let perturbed = try context.predictions(.test, perturbation: level.perturbation, seed: seed)
            let after = MetricMeasurement.Decided(perturbed, positive: positive, threshold: threshold)
            let changed = zip(before.predicted, after.predicted).map { $0 != $1 }
            let interval = try ProportionInterval.of(changed, groups: groups, confidence: confidence)
            let value = try MetricMeasurement.value(metric, after, at: all)?.value
            let drop: Double? = if let cleanValue, let value { sign * (cleanValue - value) } else { nil }
            // Paired: each replicate draws the same images (whole patients) clean and perturbed.
            let dropInterval = drop == nil ? nil : try Bootstrap.clusterPercentileInterval(
                groupOf: groups ?? all.map(String.init), replicates: 1000, confidence: confidence, seed: seed
            ) { drawn in
                guard let a = try MetricMeasurement.value(metric, before, at: drawn)?.value,
                      let b = try MetricMeasurement.value(metric, after, at: drawn)?.value else { return nil }
                return sign * (a - b)
            }
            let k = perturbed.classes, probabilities = perturbed.probabilities
            let shown = all.filter { changed[$0] }
                .sorted { probabilities[$0 * k + after.predicted[$0]] > probabilities[$1 * k + after.predicted[$1]] }
                .prefix(worst).map { paths[$0] }
            return PerturbationTable.Row(level: level.value, changed: changed.count { $0 }, samples: all.count,
                                         flipRate: Double(changed.count { $0 }) / Double(all.count), flipInterval: [interval.lower, interval.upper],
                                         metric: value, drop: drop, dropInterval: dropInterval.map { [$0.lower, $0.upper] },
                                         gated: level.gated, changedImages: Array(shown))
        }
        return PerturbationTable(kind: family, name: name, metric: metric.rawValue, clean: cleanValue, rows: rows, seed: seed)
    }

    /// "gaussian_noise@3", "stain_intensity=1.3".
    static func levelName(_ table: PerturbationTable, _ row: PerturbationTable.Row) -> String {
        table.name + (table.kind == .corruption ? "@" : "=") + PerturbationTable.levelText(row.level)
    }
}
