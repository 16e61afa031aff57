import Datasets
import Foundation

/// A metric on the test split against a threshold, on its point value or a confidence bound
/// (Wilson for rates, DeLong for ROC-AUC, a seeded stratified bootstrap otherwise). Below
/// `minSamples` the verdict is INCONCLUSIVE rather than a coin flip.
public struct MetricCheck: Check {
    public let id: String
    public let severity: CheckResult.Severity
    public let gate: Spec.Check.MetricGate
    public let onEmpty: CheckResult.Verdict

    /// A check of one metric gate.
    public init(id: String, severity: CheckResult.Severity = .required, gate: Spec.Check.MetricGate, onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.gate, self.onEmpty) = (id, severity, gate, onEmpty)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let name = gate.metric.rawValue
        let symbol = gate.comparison.rawValue
        let boundText = gate.bound == .point ? "" : " (\(gate.bound.rawValue) \(Int((gate.confidence * 100).rounded()))% bound)"
        let title = "\(name) \(symbol) \(gate.threshold)\(boundText)"
        let predictions = try context.predictions(.test)
        func result(_ verdict: CheckResult.Verdict, _ message: String, _ m: MetricMeasurement? = nil, value: Double? = nil,
                    evidence: [String] = []) -> CheckResult {
            CheckResult(id: id, kind: "metric", title: title, severity: severity, verdict: verdict, value: value,
                        estimate: m?.value, threshold: gate.threshold, comparison: gate.comparison,
                        interval: m?.interval.map { [$0.lower, $0.upper] }, confidence: m?.interval == nil ? nil : gate.confidence,
                        samples: m?.samples ?? predictions.labels.count, message: message, details: m?.details ?? [:], evidence: evidence)
        }
        guard !predictions.labels.isEmpty else { return result(onEmpty, "the test split is empty") }
        guard let m = MetricMeasurement.measure(gate.metric, on: predictions, positive: context.positiveClass, confidence: gate.confidence) else {
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
        let evidence = Self.evidence(gate.metric, predictions, context)
        let intervalText = m.interval.map { String(format: ", %.0f%% interval %.3f–%.3f (%@)", gate.confidence * 100, $0.lower, $0.upper, m.method ?? "") } ?? ""
        let measured = String(format: "%@ %.4f on %d images%@", name, m.value, m.samples, intervalText)
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
    /// for specificity, the most confident mistakes otherwise.
    static func evidence(_ metric: Spec.Metric, _ p: DatasetPredictions, _ context: CheckContext) -> [String] {
        let k = p.classes, probs = p.probabilities, predicted = p.predictedClasses, paths = context.paths(.test)
        let names = context.metadata.classNames, positive = context.positiveClass
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
