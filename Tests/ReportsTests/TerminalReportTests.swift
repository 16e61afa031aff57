import Checks
import Foundation
import Testing
@testable import Reports

@Suite struct TerminalReportTests {
    /// The cells of a table row: columns are separated by at least two spaces, cells hold at most one.
    private func cells(_ line: String) -> [String] {
        line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func lines(_ result: VerificationResult) -> [String] {
        TerminalReport.render(result, specName: "malaria", colored: false)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func oneFailureRendersExactly() {
        let expected = """
            malaria: model runs/r14/model.npz (sha256 3f3f3f3f3f3f), dataset 9c9c9c9c9c9c, modelcheck 0.1.0

            check                       value   bound  samples  verdict
            accuracy     0.962 [0.931, 0.980]  ≥ 0.93      412  PASS
            sensitivity  0.912 [0.871, 0.944]   ≥ 0.9      206  FAIL
            golden                     3.2e-6  ≤ 1e-5       16  PASS

            FAIL sensitivity: lower 95% bound 0.871 is below 0.9 on 206 parasitized images
              C1_cell.png p(parasitized)=0.01
              C2_cell.png p(parasitized)=0.02
              C3_cell.png p(parasitized)=0.03
              C4_cell.png p(parasitized)=0.04
              C5_cell.png p(parasitized)=0.05
              … and 2 more

            FAILED: 1 of 3 required checks failed (exit 1)

            """
        #expect(TerminalReport.render(SampleResults.oneFailure, specName: "malaria", colored: false) == expected)
    }

    @Test func preTrainTablesSayWhetherTrainingStarts() {
        let blocked = TerminalReport.render(SampleResults.oneFailure, specName: "malaria", colored: false, stage: .preTrain)
        #expect(blocked.hasPrefix("malaria: pre-train checks on the model training starts from, dataset 9c9c9c9c9c9c, modelcheck 0.1.0\n"))
        #expect(blocked.hasSuffix("pre-train FAILED: 1 of 3 required checks failed; training does not start\n"), "\(blocked)")
        #expect(!blocked.contains("(exit"))
        var passing = SampleResults.oneFailure
        passing.checks.removeAll { $0.verdict == .fail }
        let starts = TerminalReport.render(passing, specName: "malaria", colored: false, stage: .preTrain)
        #expect(starts.hasSuffix("pre-train PASSED: 2 of 2 required checks passed; training starts\n"), "\(starts)")
    }

    @Test func everyVerdictAndSeverityHasItsRow() {
        let rows = Array(lines(SampleResults.everything)[2...12]).map(cells)
        #expect(rows == [
            ["check", "value", "bound", "samples", "verdict"],
            ["accuracy", "0.962 [0.931, 0.980]", "≥ 0.93", "412", "PASS"],
            ["sensitivity", "0.912 [0.871, 0.944]", "≥ 0.9", "206", "FAIL"],
            ["invariance.rotate90", "-", "-", "12", "INCONCLUSIVE"],
            ["golden", "3.2e-6", "≤ 1e-5", "16", "PASS"],
            ["leakage", "-", "-", "-", "SKIPPED"],
            ["calibration.ece", "0.081", "≤ 0.05", "412", "WARN"],
            ["latency", "12.35", "≤ 50", "100", "PASS"],
            ["specificity", "-", "-", "3", "INCONCLUSIVE"],
            ["baseline.drift", "-", "-", "-", "SKIPPED"],
            ["text.a<b & c>d \"q\" 'a' \u{FFFD}end", "0.500", "≥ 0.75", "8", "FAIL"],
        ])
        #expect(lines(SampleResults.everything)[13] == "")
    }

    @Test func failedAndInconclusiveChecksExplainThemselves() {
        let text = TerminalReport.render(SampleResults.everything, specName: "malaria", colored: false)
        #expect(text.contains("\nFAIL sensitivity: lower 95% bound 0.871 is below 0.9 on 206 parasitized images\n"))
        #expect(text.contains("\nINCONCLUSIVE invariance.rotate90: only 12 images; at least 30 are needed to decide\n"))
        #expect(text.contains("\nWARN calibration.ece: ECE 0.081 is above 0.05\n  bin 0.9–1.0: confidence 0.97, accuracy 0.88\n"))
        #expect(text.contains("\nINCONCLUSIVE specificity: only 3 uninfected images\n"))
        // Five evidence lines at most, then how many more the other reports hold.
        #expect(text.contains("  C5_cell.png p(parasitized)=0.05\n  … and 2 more\n"))
        #expect(!text.contains("C6_cell.png"))
        // Passed and skipped checks' messages stay in the table's verdict.
        #expect(!text.contains("median 12.35 ms"))
        #expect(!text.contains("no group pattern"))
        #expect(!text.contains("no baseline yet"))
    }

    @Test func summaryLineNamesOutcomeCountsAndExitCode() {
        let s = SampleResults.self
        let cases: [([CheckResult], String)] = [
            (s.everything.checks, "FAILED: 2 of 6 required checks failed, 1 inconclusive, 1 skipped, 1 warning (exit 1)"),
            ([s.accuracy, s.sensitivity, s.golden], "FAILED: 1 of 3 required checks failed (exit 1)"),
            ([s.accuracy, s.rotate90, s.leakage, s.specificity],
             "INCONCLUSIVE: 1 of 3 required checks inconclusive, 1 skipped (exit 3)"),
            ([s.accuracy, s.golden, s.latency], "PASSED: 2 of 2 required checks passed (exit 0)"),
            ([s.accuracy, s.calibration, s.leakage, s.drift],
             "PASSED: 1 of 2 required checks passed, 1 skipped, 1 warning (exit 0)"),
            ([s.accuracy, s.calibration, s.calibration], "PASSED: 1 of 1 required check passed, 2 warnings (exit 0)"),
            ([s.latency, s.drift], "PASSED: no required checks (exit 0)"),
        ]
        for (checks, expected) in cases {
            let rendered = lines(SampleResults.result(checks))
            #expect(rendered.suffix(2) == [expected, ""])
        }
    }

    @Test func colourOnlyWhenAskedAndNeverShiftingColumns() {
        let plain = TerminalReport.render(SampleResults.everything, specName: "malaria", colored: false)
        let colored = TerminalReport.render(SampleResults.everything, specName: "malaria", colored: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(colored.contains("\u{1B}[32mPASS\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;31mFAIL\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[33mWARN\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;31mFAILED\u{1B}[0m: 2 of 6"))
        #expect(strippingEscapes(colored) == plain)
    }

    @Test func controlCharactersCannotReachTheTerminal() {
        let text = TerminalReport.render(SampleResults.everything, specName: "spec\u{1B}[2J", colored: false)
        let controls = text.unicodeScalars.filter { $0.properties.generalCategory == .control && $0 != "\n" }
        #expect(controls.isEmpty)
        #expect(text.hasPrefix("spec\u{FFFD}[2J: model"))
        #expect(text.contains("message a<b & c>d \"q\" 'a' \u{FFFD}end second line\n"))
        #expect(text.contains("\n  line break\n"))
    }

    private func strippingEscapes(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar == "m" { inEscape = false }
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
