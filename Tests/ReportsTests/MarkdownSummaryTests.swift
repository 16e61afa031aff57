import Checks
import Testing
import Reports

@Suite struct MarkdownSummaryTests {
    @Test func failedRunListsWhatDidNotPass() {
        let text = MarkdownSummary.render(SampleResults.everything, specName: "malaria")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "### modelcheck malaria: FAILED (exit 1)")
        #expect(text.contains("2 of 6 required checks failed"))
        #expect(text.contains("| `sensitivity` | 0.912 [0.871, 0.944] | ≥ 0.9 | 206 | FAIL |"))
        #expect(text.contains("| `invariance.rotate90` | - | - | 12 | INCONCLUSIVE |"))
        #expect(text.contains("| `calibration.ece` |") && text.contains("| WARN |"))
        #expect(!text.contains("| `accuracy` |") && !text.contains("| `golden` |"))
        #expect(text.contains("accuracy 0.962 [0.931, 0.980]"))
        #expect(text.contains("model `3f3f3f3f3f`") && !text.contains(String(repeating: "3f", count: 6)))
        #expect(lines.count < 40)
    }

    @Test func passedRunSaysSo() {
        let text = MarkdownSummary.render(SampleResults.result([SampleResults.accuracy, SampleResults.golden]), specName: "m")
        #expect(text.hasPrefix("### modelcheck m: PASSED (exit 0)"))
        #expect(text.contains("All 2 required checks passed."))
        #expect(!text.contains("| check |"))
    }

    @Test func hostileTextCannotBreakTheTable() {
        let text = MarkdownSummary.render(SampleResults.result([SampleResults.hostileFailure]), specName: "a|b<c>")
        #expect(text.hasPrefix("### modelcheck a\\|b&lt;c&gt;: FAILED"))
        let row = text.split(separator: "\n").first { $0.hasPrefix("| `text.") }
        #expect(row?.filter { $0 == "|" }.count == 6)
        #expect(!text.contains("\u{1}"))
    }

    @Test func longListsAreCut() {
        let many = (0..<50).map {
            CheckResult(id: "c\($0)", kind: "metric", title: "t", severity: .required, verdict: .fail, message: "m")
        }
        let text = MarkdownSummary.render(SampleResults.result(many), specName: "m")
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count <= 40)
        #expect(text.contains("… and 30 more"))
    }
}
