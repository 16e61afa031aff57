import Checks
import Foundation

/// How every report writes a check's numbers, bound and verdict and a run's outcome, so the terminal table,
/// the Markdown summary, the HTML page and JUnit say the same thing in the same digits.
public enum CheckText {
    /// A measured number with the digits a reader can use: integers whole, rates to 3 decimals, 4 significant
    /// digits from 1 on, and tiny tolerances and differences (below 0.01, where 3 decimals would lose them) in
    /// e-notation with 3 significant digits.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let magnitude = abs(x)
        if magnitude < 0.01 || magnitude >= 1e6 { return scientific(x) }
        if magnitude < 1 { return String(format: "%.3f", x) }
        let integerDigits = Int(log10(magnitude)) + 1
        return String(format: "%.\(max(0, 4 - integerDigits))f", x)
    }

    /// `3.2e-6` rather than printf's `3.20e-06`: 3 significant digits, no trailing zeros, no padded exponent.
    private static func scientific(_ x: Double) -> String {
        let text = String(format: "%.2e", x)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = text[..<e]
        if mantissa.contains(".") {
            while mantissa.last == "0" { mantissa.removeLast() }
            if mantissa.last == "." { mantissa.removeLast() }
        }
        return "\(mantissa)e\(exponent)"
    }

    /// A threshold as a spec author wrote it (`0.93`, not `0.930`): the shortest decimal that reads back
    /// as the same number, or `number(_:)` when that is long or in Swift's e-notation.
    public static func threshold(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let shortest = "\(x)"
        return shortest.count <= 8 && !shortest.contains("e") ? shortest : number(x)
    }

    /// `≥ 0.93`, `≤ 1e-5`, or `-` for a check without a threshold.
    public static func bound(_ check: CheckResult) -> String {
        guard let threshold = check.threshold else { return "-" }
        switch check.comparison {
        case .atLeast: return "≥ " + Self.threshold(threshold)
        case .atMost: return "≤ " + Self.threshold(threshold)
        case nil: return Self.threshold(threshold)
        }
    }

    /// The value; when it is a confidence bound, the estimate and the interval whose end it is.
    public static func value(_ check: CheckResult) -> String {
        guard let value = check.value ?? check.estimate else { return "-" }
        guard let estimate = check.estimate, check.value != nil else { return number(value) }
        guard let interval = check.interval, interval.count == 2 else {
            return "\(number(value)) (estimate \(number(estimate)))"
        }
        let ends = "[\(number(interval[0])), \(number(interval[1]))]"
        // Shown as estimate and interval only when the bound is visibly one of its ends; otherwise the
        // value the verdict rests on would be hidden.
        if interval.map(number).contains(number(value)) || number(value) == number(estimate) { return "\(number(estimate)) \(ends)" }
        return "\(number(value)) (estimate \(number(estimate)) \(ends))"
    }

    /// PASS, FAIL, WARN (a failed warn-severity check), INCONCLUSIVE or SKIPPED.
    public static func verdict(_ check: CheckResult) -> String {
        switch check.verdict {
        case .pass: return "PASS"
        case .fail: return check.severity == .warn ? "WARN" : "FAIL"
        case .inconclusive: return "INCONCLUSIVE"
        case .skipped: return "SKIPPED"
        }
    }

    /// PASSED, FAILED or INCONCLUSIVE.
    public static func outcome(_ result: VerificationResult) -> String {
        result.outcome.rawValue.uppercased()
    }

    /// How many required checks led to the outcome, and what else is worth knowing, e.g.
    /// `2 of 11 required checks failed, 1 warning`.
    public static func outcomeReason(_ result: VerificationResult) -> String {
        let required = result.checks.filter { $0.severity == .required }
        func count(_ verdict: CheckResult.Verdict) -> Int { required.filter { $0.verdict == verdict }.count }
        let ofRequired = "of \(required.count) required \(required.count == 1 ? "check" : "checks")"
        var parts: [String]
        switch result.outcome {
        case .failed:
            parts = ["\(count(.fail)) \(ofRequired) failed"]
            if count(.inconclusive) > 0 { parts.append("\(count(.inconclusive)) inconclusive") }
        case .inconclusive:
            parts = ["\(count(.inconclusive)) \(ofRequired) inconclusive"]
        case .passed:
            parts = [required.isEmpty ? "no required checks" : "\(count(.pass)) \(ofRequired) passed"]
        }
        if count(.skipped) > 0 { parts.append("\(count(.skipped)) skipped") }
        let warnings = result.checks.filter { $0.severity == .warn && $0.verdict == .fail }.count
        if warnings > 0 { parts.append("\(warnings) \(warnings == 1 ? "warning" : "warnings")") }
        return parts.joined(separator: ", ")
    }
}
