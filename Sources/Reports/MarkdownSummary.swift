import Checks
import Formatting

/// A verification in a few lines of GitHub Markdown, for a pull-request comment:
///
/// ```
/// ### modelcheck malaria: FAILED (exit 1)
///
/// 1 of 3 required checks failed
///
/// | check | value | bound | samples | verdict |
/// | --- | --- | --- | ---: | --- |
/// | `sensitivity` | 0.912 [0.871, 0.944] | ≥ 0.9 | 206 | FAIL |
///
/// accuracy 0.962 [0.931, 0.980] · ROC-AUC 0.963 · FNR 0.061
///
/// spec `ababababab` · model `3f3f3f3f3f` · dataset `9c9c9c9c9c` · modelcheck 0.1.0
/// ```
public enum MarkdownSummary {
    /// The verdict, the checks that did not pass, key metrics and shortened hashes, in under 40 lines.
    public static func render(_ result: VerificationResult, specName: String) -> String {
        var lines = ["### modelcheck \(inline(specName)): \(CheckText.outcome(result)) (exit \(result.outcome.exitCode))", ""]
        lines += [inline(CheckText.outcomeReason(result)), ""]

        let open = result.checks.filter { $0.verdict == .fail || $0.verdict == .inconclusive }
        if open.isEmpty {
            let required = result.checks.filter { $0.severity == .required }.count
            lines.append("All \(required) required \(required == 1 ? "check" : "checks") passed.")
        } else {
            lines += ["| check | value | bound | samples | verdict |", "| --- | --- | --- | ---: | --- |"]
            for check in open.prefix(rowLimit) {
                let cells = ["`\(code(check.id))`", inline(CheckText.value(check)), inline(CheckText.bound(check)),
                             check.samples.map(String.init) ?? "-", CheckText.verdict(check)]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            if open.count > rowLimit { lines += ["", "… and \(open.count - rowLimit) more; see the full report."] }
        }

        let metrics = keyMetrics.compactMap { name, label -> String? in
            guard let check = result.checks.first(where: { $0.kind == "metric" && $0.title.hasPrefix(name + " ") }),
                  let value = check.estimate ?? check.value else { return nil }
            var text = "\(label) \(CheckText.number(value))"
            if check.estimate != nil, let interval = check.interval, interval.count == 2 {
                text += " [\(CheckText.number(interval[0])), \(CheckText.number(interval[1]))]"
            }
            return text
        }
        if !metrics.isEmpty { lines += ["", metrics.joined(separator: " · ")] }

        if let headline = SkippedImagesText.headline(result) {
            lines += ["", inline(headline) + ":", ""]
            lines += result.skippedImages.prefix(skippedLimit).map { "- `\(code($0.path))`: \(inline($0.reason))" }
            if result.skippedImages.count > skippedLimit {
                lines += ["", "… and \(result.skippedImages.count - skippedLimit) more; see the full report."]
            }
        }

        lines += ["", "spec `\(short(result.spec.sha256))` · model `\(short(result.model.sha256))` · "
            + "dataset `\(short(result.datasetFingerprint))` · modelcheck \(inline(result.modelcheckVersion))"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Table rows shown before the rest is summed up, keeping the comment under about 40 lines.
    static let rowLimit = 20

    /// Skipped image files listed before the rest is summed up.
    static let skippedLimit = 10

    /// The metrics a reviewer looks for first, by the name a metric check's title starts with.
    private static let keyMetrics = [("accuracy", "accuracy"), ("roc_auc", "ROC-AUC"), ("false_negative_rate", "FNR")]

    /// Enough of a hash to tell runs apart at a glance; the JSON report has the whole of it.
    private static func short(_ hash: String) -> String { code(String(hash.prefix(10))) }

    /// Text in a table cell or paragraph: one line, no raw HTML, no column breaks.
    private static func inline(_ text: String) -> String {
        var escaped = ""
        for character in PlainText.oneLine(text) {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "|": escaped += "\\|"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Text inside a code span, where references are not decoded: a backtick would end the span and a bar
    /// would end the cell, so both are replaced by look-alikes.
    private static func code(_ text: String) -> String {
        String(PlainText.oneLine(text).map { $0 == "`" ? "ʼ" : $0 == "|" ? "¦" : $0 })
    }
}
