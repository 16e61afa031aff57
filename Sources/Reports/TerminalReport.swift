import Checks
import Formatting

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
    /// What a table stands for: a finished verification, or certify's pre-train checks, shown
    /// before training starts (no model file and no exit code yet).
    public enum Stage: Sendable { case verification, preTrain }

    /// The header line, the table of checks, the failed and inconclusive checks' messages and evidence, and the outcome line.
    public static func render(_ result: VerificationResult, specName: String, colored: Bool, stage: Stage = .verification) -> String {
        let style = Style(colored: colored)
        var lines = [stage == .preTrain ? preTrainHeader(result, specName: specName) : header(result, specName: specName)]
        if let skipped = SkippedImagesText.short(result, shown: skippedShown) {
            lines.append(skipped + "; the JSON, HTML, Markdown and JUnit reports list each with its reason")
        }
        lines.append("")
        let rows = [["check", "value", "bound", "samples", "verdict"]] + result.checks.map { check in
            [PlainText.oneLine(check.id), CheckText.value(check), CheckText.bound(check), check.samples.map(String.init) ?? "-", CheckText.verdict(check)]
        }
        // The check id left-aligned, numbers right-aligned, the verdict (last) left-aligned.
        for (index, line) in TextTable.lines(rows, alignments: [.left, .right, .right, .right, .left]).enumerated() {
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
            lines.append("\(style.verdict(CheckText.verdict(check))) \(style.bold(PlainText.oneLine(check.id))): \(PlainText.oneLine(check.message))")
            lines += check.evidence.prefix(evidenceLimit).map { "  " + PlainText.oneLine($0) }
            if check.evidence.count > evidenceLimit {
                lines.append("  … and \(check.evidence.count - evidenceLimit) more")
            }
        }
        lines.append("")
        lines.append(stage == .preTrain ? preTrainSummary(result, style: style) : summary(result, style: style))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `PASSED: 7 of 7 required checks passed; training starts`, or why it does not.
    static func preTrainSummary(_ result: VerificationResult, style: Style) -> String {
        let next = result.checks.contains(where: \.blocks) ? "training does not start" : "training starts"
        return "pre-train \(style.outcome(CheckText.outcome(result), result.outcome)): \(CheckText.outcomeReason(result)); \(next)"
    }

    /// The dataset and modelcheck version every header ends with.
    private static func provenance(_ result: VerificationResult) -> String {
        "dataset \(PlainText.oneLine(String(result.datasetFingerprint.prefix(12)))), modelcheck \(PlainText.oneLine(result.modelcheckVersion))"
    }

    private static func preTrainHeader(_ result: VerificationResult, specName: String) -> String {
        "\(PlainText.oneLine(specName)): pre-train checks on the model training starts from, "
            + provenance(result)
    }

    /// Evidence lines shown per check; the JUnit and JSON reports carry all of them.
    static let evidenceLimit = 5

    /// Skipped image files named in the line under the header; the other reports name all of them.
    static let skippedShown = 3

    /// The outcome, how many required checks led to it, and the exit code, e.g.
    /// `FAILED: 2 of 11 required checks failed, 1 warning (exit 1)`.
    static func summary(_ result: VerificationResult, style: Style) -> String {
        "\(style.outcome(CheckText.outcome(result), result.outcome)): \(CheckText.outcomeReason(result)) (exit \(result.outcome.exitCode))"
    }

    private static func header(_ result: VerificationResult, specName: String) -> String {
        "\(PlainText.oneLine(specName)): model \(PlainText.oneLine(result.model.path)) (sha256 \(PlainText.oneLine(String(result.model.sha256.prefix(12))))), "
            + provenance(result)
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
