import Checks
import Formatting
import Foundation

/// A model card (Mitchell et al., FAT* 2019) written from the evidence of one verification: what
/// the model is for, what it learnt from and was judged on, every check with its interval, the
/// slices, the operating point, calibration, and the limitations the numbers show. Nothing in it
/// is typed by hand, so it cannot claim more than the checks measured.
public enum ModelCard {
    /// The card as Markdown.
    public static func render(_ inputs: ReportInputs) -> String {
        let result = inputs.result
        var lines = ["# Model card: \(inputs.specName)", ""]
        lines += ["## Intended use", "", inputs.description.map { PlainText.oneLine($0) }
            ?? "The spec says nothing about the intended use: add a `description:` to it.", ""]

        lines += ["## Model", ""]
        lines.append("- File `\(result.model.path)`, sha256 `\(result.model.sha256)`")
        if !inputs.classNames.isEmpty { lines.append("- Classes: " + inputs.classNames.joined(separator: ", ")) }
        // No date: verifying a certified model again on the same files writes the same card, so
        // its certificate, which binds the card, stays valid (the certificate has the date).
        lines.append("- Verified by modelcheck \(result.modelcheckVersion); "
            + result.environment.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("")

        lines += ["## Data", "", "- Dataset fingerprint `\(result.datasetFingerprint)`"]
        if !inputs.splitCounts.isEmpty {
            lines += ["", "| split | images | groups (patients) |", "| --- | --- | --- |"]
            lines += inputs.splitCounts.map { "| \($0.split) | \($0.perClass.reduce(0, +)) | \($0.groups) |" }
        }
        for set in result.evaluationSets ?? [] {
            lines.append("- Evaluation set \(set.name): \(set.images) images, fingerprint `\(set.fingerprint)` (its checks end in `@\(set.name)`)")
        }
        if !result.skippedImages.isEmpty { lines.append("- \(result.skippedImages.count) image files were skipped (listed in the reports)") }
        lines.append("")

        if !inputs.hyperparameters.isEmpty {
            lines += ["## Training recipe", ""] + inputs.hyperparameters.map { "- \($0.0): \($0.1)" } + [""]
        }

        lines += ["## Evidence", "", "| check | verdict | value | interval | samples |", "| --- | --- | --- | --- | --- |"]
        for check in result.checks {
            let interval = check.interval.map { "[" + $0.map(number).joined(separator: ", ") + "]" } ?? ""
            lines.append("| \(cell(check.id)) | \(check.verdict.rawValue)\(check.severity == .warn ? " (warn)" : "") | "
                + "\(check.value.map(number) ?? "") | \(interval) | \(check.samples.map(String.init) ?? "") |")
        }
        lines.append("")

        if let point = result.checks.first(where: { $0.kind == "operating_point" }) {
            lines += ["## Operating point", "", PlainText.oneLine(point.message), ""]
        }
        if let calibration = result.checks.first(where: { $0.kind == "calibration" }) {
            lines += ["## Calibration", "", PlainText.oneLine(calibration.message), ""]
        }
        let sliced = result.checks.compactMap { check in check.slices.map { (check.id, $0) } }
        if !sliced.isEmpty {
            lines += ["## Slices", ""]
            for (id, table) in sliced {
                lines.append("\(id) per \(table.by), worst first:")
                lines += ["", "| \(table.by) | value | images | judged |", "| --- | --- | --- | --- |"]
                lines += table.rows.map { "| \(cell($0.name)) | \($0.value.map(number) ?? "undefined") | \($0.samples) | \($0.judged ? "yes" : "no") |" }
                lines.append("")
            }
        }

        let perturbed = result.checks.compactMap { check in check.perturbations.map { (check.id, $0) } }
        if !perturbed.isEmpty {
            lines += ["## Robustness", "", "| check | level | decisions changed | \(perturbed[0].1.metric) | drop |", "| --- | --- | --- | --- | --- |"]
            for (id, table) in perturbed {
                lines += table.rows.map { row in
                    "| \(cell(id)) | \(PerturbationTable.levelText(row.level))\(row.gated ? "" : " (not gated)") | \(row.changed) of \(row.samples) | "
                        + "\(row.metric.map(number) ?? "undefined") | \(row.drop.map(number) ?? "undefined") |"
                }
            }
            lines.append("")
        }

        lines += ["## Limitations the numbers show", ""]
        let limits = limitations(result)
        lines += limits.isEmpty ? ["- None that the checks measured; the checks are only what the spec asked for."] : limits.map { "- " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What a reader must not conclude from the card: undecided checks, failed warnings, slices
    /// too small to judge, leakage, and where the model was judged.
    static func limitations(_ result: VerificationResult) -> [String] {
        var out: [String] = []
        for check in result.checks where check.verdict == .inconclusive || check.verdict == .skipped {
            out.append("\(check.id) was \(check.verdict.rawValue): \(PlainText.oneLine(check.message))")
        }
        for check in result.checks where check.verdict == .fail && check.severity == .warn {
            out.append("\(check.id) failed (a warning, not a gate): \(PlainText.oneLine(check.message))")
        }
        for check in result.checks where check.verdict == .fail && check.severity == .required {
            out.append("\(check.id) failed: \(PlainText.oneLine(check.message))")
        }
        for check in result.checks {
            guard let table = check.slices else { continue }
            let small = table.rows.filter { !$0.judged }
            if !small.isEmpty {
                out.append("\(small.count) of \(table.rows.count) \(table.by)s in \(check.id) have fewer than \(table.minSize) images "
                    + "and were listed, not judged: \(small.prefix(5).map(\.name).joined(separator: ", "))\(small.count > 5 ? ", …" : "")")
            }
        }
        let samples = result.checks.filter { $0.kind == "metric" }.compactMap(\.samples).max()
        if let samples, (result.evaluationSets ?? []).isEmpty {
            out.append("The metrics rest on at most \(samples) images of one data source; a new clinic, microscope or stain batch "
                + "is judged only with `modelcheck verify --data`.")
        }
        return out
    }

    private static func number(_ x: Double) -> String {
        x.isFinite ? String(format: "%.4g", x) : String(describing: x)
    }

    /// Text for a Markdown table cell: one line, pipes escaped.
    private static func cell(_ text: String) -> String { PlainText.oneLine(text).replacingOccurrences(of: "|", with: "\\|") }
}
