import Datasets
import Foundation

/// The overall gate of a `robustness` or `colour_shift` entry: averaged over every gated level of
/// every corruption or shift it measures, the share of decisions that change and the metric's drop,
/// each with a bootstrap interval over patients (images without groups), as `mean_flip_rate` and
/// `mean_drop` in the reports. One level that fails badly can pass this gate; the per-family gates
/// are for that.
public struct PerturbationSummaryCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    /// The kind the spec names (`robustness`, `colour_shift`).
    public let kind: String
    /// The entry's families; their gated levels are averaged.
    public let families: [PerturbationCheck]
    /// Largest mean share of changed decisions; nil for none.
    public let maxMeanFlipRate: Double?
    /// Largest mean drop of the metric; nil for none.
    public let maxMeanDrop: Double?

    /// The summary of `families` with its gates.
    public init(id: String, severity: CheckResult.Severity = .required, kind: String, families: [PerturbationCheck],
                maxMeanFlipRate: Double?, maxMeanDrop: Double?) {
        (self.id, self.severity, self.kind, self.families) = (id, severity, kind, families)
        (self.maxMeanFlipRate, self.maxMeanDrop) = (maxMeanFlipRate, maxMeanDrop)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        guard let first = families.first else { throw StatisticsError("a summary of no perturbations") }
        let (metric, confidence, upper) = (first.metric, first.confidence, first.gates.upperBound)
        let gates = [maxMeanFlipRate.map { "mean changed ≤ \(CheckValue.number($0).spelling)" },
                     maxMeanDrop.map { "mean \(metric.rawValue) drop ≤ \(CheckValue.number($0).spelling)" }].compactMap { $0 }
        let title = "over every gated level: " + gates.joined(separator: ", ") + (upper ? " (upper \(Int((confidence * 100).rounded()))% bound)" : "")
        func result(_ verdict: CheckResult.Verdict, _ message: String, value: Double? = nil, interval: [Double]? = nil, samples: Int,
                    details: [String: Double] = [:]) -> CheckResult {
            CheckResult(id: id, kind: kind, title: title, severity: severity, verdict: verdict, value: value,
                        threshold: maxMeanFlipRate ?? maxMeanDrop, comparison: .atMost, interval: interval, confidence: confidence,
                        samples: samples, message: message, details: details)
        }
        if case .unavailable(let reason, let setBy)? = context.operatingPoint {
            return result(.inconclusive, "no decision threshold (\(setBy)): \(reason)", samples: 0)
        }
        let clean = try context.predictions(.test)
        let n = clean.labels.count
        guard n > 0 else { return result(first.onEmpty, "the test split is empty", samples: 0) }
        let threshold: Double? = if case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
        let before = MetricMeasurement.Decided(clean, positive: context.positiveClass, threshold: threshold)
        let levels = try families.flatMap { family in
            try family.levels.filter(\.gated).map { level in
                MetricMeasurement.Decided(try context.predictions(.test, perturbation: level.perturbation, seed: family.seed),
                                          positive: context.positiveClass, threshold: threshold)
            }
        }
        guard !levels.isEmpty else { return result(.pass, "no gated level to average; reported, not gated", samples: n) }
        // Each image's share of levels under which its decision changed.
        let share = (0..<n).map { i in Double(levels.count { $0.predicted[i] != before.predicted[i] }) / Double(levels.count) }
        let sign: Double = metric.higherIsBetter ? 1 : -1
        func meanFlip(_ drawn: [Int]) -> Double { drawn.reduce(0.0) { $0 + share[$1] } / Double(drawn.count) }
        func meanDrop(_ drawn: [Int]) throws -> Double? {
            guard let c = try MetricMeasurement.value(metric, before, at: drawn)?.value else { return nil }
            var total = 0.0
            for level in levels {
                guard let v = try MetricMeasurement.value(metric, level, at: drawn)?.value else { return nil }
                total += sign * (c - v)
            }
            return total / Double(levels.count)
        }
        let all = Array(0..<n), groups = context.groups(.test) ?? all.map(String.init)
        let flip = meanFlip(all)
        let flipInterval = try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 1000, confidence: confidence, seed: first.seed,
                                                                   statistic: meanFlip)
        let drop = try meanDrop(all)
        let dropInterval = drop == nil ? nil : try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 1000, confidence: confidence,
                                                                                       seed: first.seed, statistic: meanDrop)
        var details = ["levels": Double(levels.count), "meanFlipRate": flip]
        details["meanDrop"] = drop
        let measured = String(format: "over %d gated levels: %.3f of decisions changed on average%@", levels.count, flip,
                              flipInterval.map { String(format: " (%.0f%% interval %.3f–%.3f)", confidence * 100, $0.lower, $0.upper) } ?? "")
            + (drop.map { String(format: ", %@ drop %.3f", metric.rawValue, $0) } ?? ", \(metric.rawValue) undefined")
            + (dropInterval.map { String(format: " (%.3f–%.3f)", $0.lower, $0.upper) } ?? "")
        guard n >= first.minSamples else {
            return result(.inconclusive, "only \(n) test images, fewer than the \(first.minSamples) needed to decide; \(measured)", value: flip,
                          samples: n, details: details)
        }
        var failures: [String] = [], value: Double?
        if let limit = maxMeanFlipRate {
            let judged = upper ? (flipInterval?.upper ?? flip) : flip
            value = judged
            if judged > limit { failures.append(String(format: "mean changed %.3f > %g", judged, limit)) }
        }
        if let limit = maxMeanDrop {
            guard let drop else { return result(.inconclusive, "\(measured): the drop cannot be measured", value: value, samples: n, details: details) }
            let judged = upper ? (dropInterval?.upper ?? drop) : drop
            if value == nil { value = judged }
            if judged > limit { failures.append(String(format: "mean %@ drop %.3f > %g", metric.rawValue, judged, limit)) }
        }
        let interval = (maxMeanFlipRate != nil ? flipInterval : dropInterval).map { [$0.lower, $0.upper] }
        return result(failures.isEmpty ? .pass : .fail, (failures.isEmpty ? "" : failures.joined(separator: "; ") + "; ") + measured,
                      value: value, interval: interval, samples: n, details: details)
    }
}
