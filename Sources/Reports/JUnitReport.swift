import Checks
import Formatting
import Foundation

/// A verification result as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub Actions test reporters)
/// display as test results: one `<testsuite>` for the spec, one `<testcase>` per check.
///
/// JUnit knows passed, failed, errored and skipped tests; modelcheck's verdicts map onto them so that CI shows
/// exactly what gates the run:
/// - a passed check passes, with its value and message in `<system-out>`;
/// - a failed required check gets `<failure>`: the message names the measured value and the threshold, the body
///   holds the title, the numbers, the message, every evidence line and the details;
/// - a failed warn-severity check passes, with `<system-out>` starting `WARNING`: the spec chose not to gate on
///   it and `verify` exits 0 for it, so a `<failure>` would make CI fail or mark unstable a run modelcheck passed,
///   while `<skipped>` would wrongly say it never ran;
/// - an inconclusive check is `<skipped message="inconclusive: …">`: JUnit has no inconclusive state, and neither
///   passed nor failed would be true; the run's exit code 3 still says the run as a whole could not decide;
/// - a skipped check is `<skipped>` with the spec's reason.
///
/// `errors` is always 0: a check that cannot run stops `verify` with exit 2 before any report is written.
///
/// Image files left out under `unreadable: skip` are counted in the `dataset.skippedImages` property and listed,
/// each with its reason, in the suite's `<system-out>`.
public enum JUnitReport {
    /// The JUnit XML document for `result`, its suite named `modelcheck: <specName>` and timed by `duration`.
    public static func render(_ result: VerificationResult, specName: String, duration: Duration) -> String {
        let checks = result.checks
        let failures = checks.filter(\.blocks).count
        let skipped = checks.filter { $0.verdict == .inconclusive || $0.verdict == .skipped }.count
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        let counts = "tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" "
            + "time=\"\(String(format: "%.3f", seconds))\""

        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        xml.append("<testsuites name=\"modelcheck\" \(counts)>")
        xml.append("  <testsuite name=\"\(MarkupText.escaped("modelcheck: " + specName))\" \(counts) "
            + "timestamp=\"\(MarkupText.escaped(result.date))\">")
        xml.append("    <properties>")
        for (name, value) in properties(result) {
            xml.append("      <property name=\"\(MarkupText.escaped(name))\" value=\"\(MarkupText.escaped(value))\"/>")
        }
        xml.append("    </properties>")
        for check in checks { xml += testcase(check) }
        if let headline = SkippedImagesText.headline(result) {
            let text = ([headline + ":"] + SkippedImagesText.lines(result)).joined(separator: "\n")
            xml.append("    <system-out>\(MarkupText.escaped(text, inAttribute: false))</system-out>")
        }
        xml.append("  </testsuite>")
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }

    /// What the result is bound to, so a CI page identifies the spec, model, data and tool it shows.
    private static func properties(_ result: VerificationResult) -> [(String, String)] {
        [
            ("spec.path", result.spec.path), ("spec.sha256", result.spec.sha256),
            ("model.path", result.model.path), ("model.sha256", result.model.sha256),
            ("dataset.fingerprint", result.datasetFingerprint),
            ("dataset.skippedImages", String(result.skippedImages.count)),
            ("modelcheck.version", result.modelcheckVersion),
            ("date", result.date),
            ("outcome", result.outcome.rawValue), ("exitCode", String(result.outcome.exitCode)),
        ] + result.environment.sorted { $0.key < $1.key }.map { ("environment." + $0.key, $0.value) }
    }

    private static func testcase(_ check: CheckResult) -> [String] {
        let open = "    <testcase classname=\"\(MarkupText.escaped("modelcheck." + check.kind))\" name=\"\(MarkupText.escaped(check.id))\">"
        let close = "    </testcase>"
        switch (check.verdict, check.severity) {
        case (.fail, .required):
            return [open, "      <failure message=\"\(MarkupText.escaped(failureMessage(check)))\" type=\"\(MarkupText.escaped(check.kind))\">"
                + MarkupText.escaped(body(check), inAttribute: false) + "</failure>", close]
        case (.fail, .warn):
            let warning = "WARNING: failed, but its severity is warn, so it does not fail the run: "
            return [open, systemOut(warning + failureMessage(check) + "\n\n" + body(check)), close]
        case (.inconclusive, _):
            return [open, "      <skipped message=\"\(MarkupText.escaped("inconclusive: " + check.message))\"/>",
                    systemOut(body(check)), close]
        case (.skipped, _):
            return [open, "      <skipped message=\"\(MarkupText.escaped(check.message))\"/>", close]
        case (.pass, _):
            return [open, systemOut(body(check)), close]
        }
    }

    private static func systemOut(_ text: String) -> String {
        "      <system-out>\(MarkupText.escaped(text, inAttribute: false))</system-out>"
    }

    /// `value 0.912, required ≥ 0.93: <message>`; the message alone when the check measured no number.
    private static func failureMessage(_ check: CheckResult) -> String {
        var numbers: [String] = []
        if let value = check.value { numbers.append("value \(CheckText.number(value))") }
        if check.threshold != nil { numbers.append("required \(CheckText.bound(check))") }
        return numbers.isEmpty ? check.message : numbers.joined(separator: ", ") + ": " + check.message
    }

    /// The title, every number the check returned, its message, all evidence and the details, one per line.
    private static func body(_ check: CheckResult) -> String {
        var lines = [check.title]
        var numbers: [String] = []
        if let value = check.value { numbers.append("value \(CheckText.number(value))") }
        if let estimate = check.estimate { numbers.append("estimate \(CheckText.number(estimate))") }
        if let interval = check.interval, interval.count == 2 {
            let level = check.confidence.map { CheckText.threshold($0 * 100) + "% " } ?? ""
            numbers.append("\(level)interval [\(CheckText.number(interval[0])), \(CheckText.number(interval[1]))]")
        }
        if check.threshold != nil { numbers.append("required \(CheckText.bound(check))") }
        if let samples = check.samples { numbers.append("\(samples) samples") }
        if !numbers.isEmpty { lines.append(numbers.joined(separator: ", ")) }
        lines.append(check.message)
        if !check.evidence.isEmpty { lines += ["evidence:"] + check.evidence.map { "  " + $0 } }
        if !check.details.isEmpty {
            lines += ["details:"] + check.details.sorted { $0.key < $1.key }.map { "  \($0.key) = \(CheckText.number($0.value))" }
        }
        return lines.joined(separator: "\n")
    }
}
