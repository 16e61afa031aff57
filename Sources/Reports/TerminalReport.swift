import Checks
import Foundation

/// A verification result as a compact table for people at a terminal:
///
/// ```
/// malaria: model runs/r14/model.npz (sha256 3f3f3f3f3f3f), dataset 9c9c9c9c9c9c, modelcheck 0.1.0
///
/// check                       value   bound  samples  verdict
/// accuracy     0.962 [0.931, 0.980]  ≥ 0.93      412  PASS
/// sensitivity  0.912 [0.871, 0.944]   ≥ 0.9      206  FAIL
/// golden                     3.2e-6  ≤ 1e-5       16  PASS
///
/// FAIL sensitivity: lower 95% bound 0.871 is below 0.9 on 206 parasitized images
///   C1_cell.png p(parasitized)=0.01
///
/// FAILED: 1 of 3 required checks failed (exit 1)
/// ```
public enum TerminalReport {
    /// The header line, the table of checks, the failed and inconclusive checks' messages and evidence, and the outcome line.
    public static func render(_ result: VerificationResult, specName: String, colored: Bool) -> String {
        let style = Style(colored: colored)
        var lines = [header(result, specName: specName), ""]
        let rows = [["check", "value", "bound", "samples", "verdict"]] + result.checks.map { check in
            [clean(check.id), valueText(check), boundText(check), check.samples.map(String.init) ?? "-", verdict(check)]
        }
        for (index, line) in table(rows).enumerated() {
            if index == 0 {
                lines.append(style.bold(line))
            } else {
                // The verdict is the last column, so colouring it cannot shift the others.
                let label = rows[index][4]
                lines.append(String(line.dropLast(label.count)) + style.verdict(label))
            }
        }
        for check in result.checks where check.verdict == .fail || check.verdict == .inconclusive {
            lines.append("")
            lines.append("\(style.verdict(verdict(check))) \(style.bold(clean(check.id))): \(clean(check.message))")
            lines += check.evidence.prefix(evidenceLimit).map { "  " + clean($0) }
            if check.evidence.count > evidenceLimit {
                lines.append("  … and \(check.evidence.count - evidenceLimit) more")
            }
        }
        lines.append("")
        lines.append(summary(result, style: style))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Evidence lines shown per check; the JUnit and JSON reports carry all of them.
    static let evidenceLimit = 5

    /// A measured number with the digits a reader can use, shared by the reports so they print the same:
    /// integers whole, rates to 3 decimals, 4 significant digits from 1 on, and tiny tolerances and
    /// differences (below 0.01, where 3 decimals would lose them) in e-notation with 3 significant digits.
    static func number(_ x: Double) -> String {
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
        let parts = String(format: "%.2e", x).split(separator: "e")
        var mantissa = Substring(parts[0])
        if mantissa.contains(".") {
            while mantissa.last == "0" { mantissa.removeLast() }
            if mantissa.last == "." { mantissa.removeLast() }
        }
        return "\(mantissa)e\(Int(parts[1])!)"
    }

    /// A threshold as a spec author wrote it (`0.93`, not `0.930`): the shortest decimal that reads back
    /// as the same number, or `number(_:)` when that is long or in Swift's e-notation.
    static func threshold(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let shortest = "\(x)"
        return shortest.count <= 8 && !shortest.contains("e") ? shortest : number(x)
    }

    /// `≥ 0.93`, `≤ 1e-5`, or `-` for a check without a threshold.
    static func boundText(_ check: CheckResult) -> String {
        guard let threshold = check.threshold else { return "-" }
        switch check.comparison {
        case .atLeast: return "≥ " + Self.threshold(threshold)
        case .atMost: return "≤ " + Self.threshold(threshold)
        case nil: return Self.threshold(threshold)
        }
    }

    /// The value; when it is a confidence bound, the estimate and the interval whose end it is.
    static func valueText(_ check: CheckResult) -> String {
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
    static func verdict(_ check: CheckResult) -> String {
        switch check.verdict {
        case .pass: return "PASS"
        case .fail: return check.severity == .warn ? "WARN" : "FAIL"
        case .inconclusive: return "INCONCLUSIVE"
        case .skipped: return "SKIPPED"
        }
    }

    /// The outcome, how many required checks led to it, and the exit code, e.g.
    /// `FAILED: 2 of 11 required checks failed, 1 warning (exit 1)`.
    static func summary(_ result: VerificationResult, style: Style) -> String {
        let required = result.checks.filter { $0.severity == .required }
        func count(_ verdict: CheckResult.Verdict) -> Int { required.filter { $0.verdict == verdict }.count }
        let ofRequired = "of \(required.count) required \(required.count == 1 ? "check" : "checks")"
        let outcome = result.outcome
        var parts: [String]
        switch outcome {
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
        let word = outcome.rawValue.uppercased()
        return "\(style.outcome(word, outcome)): \(parts.joined(separator: ", ")) (exit \(outcome.exitCode))"
    }

    private static func header(_ result: VerificationResult, specName: String) -> String {
        "\(clean(specName)): model \(clean(result.model.path)) (sha256 \(clean(String(result.model.sha256.prefix(12))))), "
            + "dataset \(clean(String(result.datasetFingerprint.prefix(12)))), modelcheck \(clean(result.modelcheckVersion))"
    }

    /// Aligned columns: the check id left-aligned, numbers right-aligned, the verdict (last) left-aligned.
    private static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column == row.count - 1 { return cell }
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }

    /// Text from checks and files may hold control characters: line breaks and tabs would break the layout
    /// and escape sequences could rewrite the terminal, so breaks become spaces and the rest U+FFFD.
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory != .control {
                scalars.append(scalar)
            } else {
                scalars.append(["\n", "\r", "\t"].contains(scalar) ? " " : "\u{FFFD}")
            }
        }
        return String(scalars)
    }

    /// ANSI SGR colours, or nothing at all when the output is not a terminal.
    struct Style {
        let colored: Bool

        func bold(_ text: String) -> String { paint(text, "1") }

        func verdict(_ label: String) -> String {
            switch label {
            case "PASS": return paint(label, "32")
            case "FAIL": return paint(label, "1;31")
            case "WARN", "INCONCLUSIVE": return paint(label, "33")
            default: return paint(label, "2")
            }
        }

        func outcome(_ word: String, _ outcome: VerificationResult.Outcome) -> String {
            switch outcome {
            case .passed: return paint(word, "1;32")
            case .failed: return paint(word, "1;31")
            case .inconclusive: return paint(word, "1;33")
            }
        }

        private func paint(_ text: String, _ code: String) -> String {
            colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
    }
}
