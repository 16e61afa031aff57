import Datasets
import Foundation

/// How well the model's confidence matches how often it is right on the test split: the expected calibration
/// error over equal-mass bins (the reliability diagram, every bin's count listed) and the Brier score, optionally
/// gated on the ECE. With temperature scaling, T is fitted on the validation split only (fitting it on the test
/// split would grade the model on the data it was tuned to), and both numbers are given before and after it.
public struct CalibrationCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    /// Equal-mass bins of the reliability diagram.
    public let bins: Int
    /// The ECE (after scaling, when fitted) must be at most this; nil reports without gating.
    public let maxECE: Double?
    /// Fit a temperature on the validation split and judge the scaled probabilities.
    public let fitTemperature: Bool
    /// Below this many test images a gate is INCONCLUSIVE.
    public let minSamples: Int
    /// The verdict when the test split is empty.
    public let onEmpty: CheckResult.Verdict

    /// A calibration check; every value given.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, bins: Int = 10, maxECE: Double? = nil,
                fitTemperature: Bool = false, minSamples: Int = 30, onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.bins, self.maxECE) = (id, severity, bins, maxECE)
        (self.fitTemperature, self.minSamples, self.onEmpty) = (fitTemperature, minSamples, onEmpty)
    }

    /// The test split's reliability diagram and Brier score at one temperature.
    public struct Reliability: Sendable, Equatable {
        /// Equal-mass ECE with its bins.
        public let calibration: CalibrationError
        /// The Brier score of the same probabilities.
        public let brier: BrierScore
    }

    /// What the check measures, shared with the HTML report so both show the same numbers.
    public struct Measurement: Sendable, Equatable {
        /// At the model's own temperature (T = 1).
        public let unscaled: Reliability
        /// The fit on the validation split; nil when none was asked for or the split is empty.
        public let scaling: TemperatureScaling?
        /// A temperature fitted before (stored in the model, or fitted on the spec's validation split)
        /// that the scaled numbers use where this data has no validation split; nil otherwise.
        public let carried: CalibrationTemperature?
        /// At the fitted temperature; nil without a fit.
        public let scaled: Reliability?
        /// Images in the test split.
        public let testImages: Int
        /// Images T was fitted on; 0 without a fit.
        public let validationImages: Int
    }

    /// Measures `context`'s test split in `bins` equal-mass bins, fitting T on its validation split when asked
    /// (and publishing it to the context, for the sets judged after it); data without a validation split
    /// (an evaluation set) is scaled by the context's temperature instead. Nil when the test split is empty.
    public static func measure(_ context: CheckContext, bins: Int, fitTemperature: Bool) throws -> Measurement? {
        // The batch loader takes no empty split, so an empty one is caught before any prediction.
        guard !context.split.indices(.test).isEmpty else { return nil }
        let test = try context.predictions(.test)
        let testLogits = rows(test)
        guard let unscaled = try reliability(testLogits, test.labels, temperature: 1, bins: bins) else { return nil }
        func measurement(_ scaling: TemperatureScaling? = nil, carried: CalibrationTemperature? = nil, scaled: Reliability? = nil,
                         validationImages: Int = 0) -> Measurement {
            Measurement(unscaled: unscaled, scaling: scaling, carried: carried, scaled: scaled, testImages: test.labels.count,
                        validationImages: validationImages)
        }
        guard fitTemperature else { return measurement() }
        guard !context.split.indices(.validation).isEmpty else {
            guard let carried = context.temperature else { return measurement() }
            return measurement(carried: carried, scaled: try reliability(testLogits, test.labels, temperature: carried.value, bins: bins))
        }
        let validation = try context.predictions(.validation)
        guard let scaling = try TemperatureScaling(logits: rows(validation), labels: validation.labels) else { return measurement() }
        context.temperature = CalibrationTemperature(scaling.temperature, setBy: "fitted on the validation split")
        let scaled = try reliability(testLogits, test.labels, temperature: scaling.temperature, bins: bins)
        return measurement(scaling, scaled: scaled, validationImages: validation.labels.count)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let scaledWords = fitTemperature ? ", after temperature scaling" : ""
        let title = (maxECE.map { "ECE ≤ \(CheckValue.number($0).spelling)" } ?? "calibration") + " (\(bins) equal-mass bins\(scaledWords))"
        func result(_ verdict: CheckResult.Verdict, _ message: String, value: Double? = nil, samples: Int,
                    details: [String: Double] = [:], evidence: [String] = []) -> CheckResult {
            CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: value, estimate: value,
                        threshold: maxECE, comparison: maxECE == nil ? nil : .atMost, samples: samples, message: message,
                        details: details, evidence: evidence)
        }
        guard let m = try Self.measure(context, bins: bins, fitTemperature: fitTemperature) else {
            return result(onEmpty, "the test split is empty", samples: 0)
        }
        var details = ["ece": m.unscaled.calibration.value, "brier": m.unscaled.brier.value, "bins": Double(m.unscaled.calibration.bins.count)]
        var measured = String(format: "ECE %.4f, Brier %.4f on %d test images", m.unscaled.calibration.value, m.unscaled.brier.value, m.testImages)
        var judged = m.unscaled
        if fitTemperature {
            guard let scaled = m.scaled, let temperature = m.scaling?.temperature ?? m.carried?.value else {
                return result(.inconclusive, "\(measured); no validation images to fit the temperature on, and no temperature "
                              + "stored in the model or fitted before", value: m.unscaled.calibration.value,
                              samples: m.testImages, details: details, evidence: Self.evidence(m.unscaled.calibration))
            }
            judged = scaled
            details["temperature"] = temperature
            details["eceScaled"] = scaled.calibration.value
            details["brierScaled"] = scaled.brier.value
            let origin: String
            if let scaling = m.scaling {
                details["validationImages"] = Double(m.validationImages)
                details["validationLoss"] = scaling.lossBefore
                details["validationLossScaled"] = scaling.lossAfter
                origin = "fitted on \(m.validationImages) validation images"
            } else {
                origin = m.carried?.setBy ?? ""
            }
            measured += String(format: "; with T = %.4f %@: ECE %.4f, Brier %.4f", temperature, origin, scaled.calibration.value, scaled.brier.value)
            if m.scaling?.atSearchBound == true {
                measured += " (T at the end of its search range \(TemperatureScaling.searchRange): the validation split would push it further)"
            }
        }
        let value = judged.calibration.value
        let evidence = Self.evidence(judged.calibration)
        guard let maxECE else { return result(.pass, "\(measured); reported, not gated", value: value, samples: m.testImages, details: details, evidence: evidence) }
        guard m.testImages >= minSamples else {
            return result(.inconclusive, "\(measured): fewer than the \(minSamples) test images needed to decide", value: value,
                          samples: m.testImages, details: details, evidence: evidence)
        }
        let pass = value <= maxECE
        return result(pass ? .pass : .fail, "\(measured); ECE \(String(format: "%.4f", value)) \(pass ? "meets" : "misses") ≤ \(CheckValue.number(maxECE).spelling)",
                      value: value, samples: m.testImages, details: details, evidence: evidence)
    }

    /// One line per bin of the reliability diagram, lowest confidence first.
    static func evidence(_ calibration: CalibrationError) -> [String] {
        calibration.bins.enumerated().map { m, bin in
            String(format: "bin %d: %d images, confidence %.3f–%.3f (mean %.3f), accuracy %.3f", m + 1, bin.count, bin.lowerEdge,
                   bin.upperEdge, bin.confidence ?? .nan, bin.accuracy ?? .nan)
        }
    }

    private static func rows(_ p: DatasetPredictions) -> [[Double]] {
        (0..<p.labels.count).map { i in (0..<p.classes).map { Double(p.logits[i * p.classes + $0]) } }
    }

    private static func reliability(_ logits: [[Double]], _ labels: [Int], temperature: Double, bins: Int) throws -> Reliability? {
        let probabilities = TemperatureScaling.probabilities(logits: logits, temperature: temperature)
        guard let calibration = try CalibrationError(probabilities: probabilities, labels: labels, binCount: bins, binning: .equalMass),
              let brier = try BrierScore(probabilities: probabilities, labels: labels) else { return nil }
        return Reliability(calibration: calibration, brier: brier)
    }
}

extension CalibrationCheck: CheckDefinition {
    public static let name = "calibration"
    public static let phase = CheckPhase.postTrain
    public static let doc = "on the test split, ECE over equal-mass bins (the reliability diagram, with each bin's count) and the Brier score, "
        + "gated on `max_ece` when given; `temperature: fit` fits T on the validation split (never the test split), reports both before and after, "
        + "and `certify` stores T in the model for `predict`; an evaluation set (no validation split) is scaled by that T"
    static let bins = CheckKey.integer("bins", .defaultValue(.integer(10)), atLeast: 2, atMost: 1000,
                                       doc: "equal-mass bins of the reliability diagram")
    static let maxECE = CheckKey.number("max_ece", .optional, "in (0, 1)",
                                        doc: "the ECE (after scaling, with `temperature: fit`) must be at most this; absent: reported only") { $0 > 0 && $0 < 1 }
    static let temperature = CheckKey.choice("temperature", .defaultValue(.text(TemperatureChoice.none.rawValue)),
                                             among: TemperatureChoice.allCases.map(\.rawValue),
                                             doc: "`fit`: fit a temperature on the validation split and judge the scaled probabilities")
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer test images make a gate INCONCLUSIVE")
    public static let keys = [bins, maxECE, temperature, minSamples]

    /// How the spec spells the `temperature` choices.
    enum TemperatureChoice: String, CaseIterable {
        case none, fit
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        let gate: Double? = if case .number(let x)? = entry.value(maxECE) { x } else { nil }
        return [CalibrationCheck(id: entry.id, severity: entry.severity, bins: entry.integer(bins), maxECE: gate,
                                 fitTemperature: entry.text(temperature) == TemperatureChoice.fit.rawValue,
                                 minSamples: entry.integer(minSamples), onEmpty: entry.onEmpty.verdict)]
    }

    /// The settings of a spec's calibration entry, for the report to draw the diagram the check judged.
    public static func settings(of entry: Spec.Check) -> (bins: Int, fitTemperature: Bool) {
        (entry.integer(bins), entry.text(temperature) == TemperatureChoice.fit.rawValue)
    }
}
