import Checks
import Testing
import Reports

/// The numbers and verdict words every report writes.
@Suite struct CheckTextTests {
    @Test func numbersKeepTheDigitsThatMatter() {
        let numbers: [(Double, String)] = [
            (0, "0"), (1, "1"), (412, "412"), (0.5, "0.500"), (0.9624, "0.962"), (0.99996, "1.000"), (-0.25, "-0.250"),
            (0.0123, "0.012"), (0.004, "4e-3"), (3.2e-6, "3.2e-6"), (1.234567e-9, "1.23e-9"), (12.3456, "12.35"),
            (123.456, "123.5"), (2.5e7 + 0.5, "2.5e7"), (.nan, "nan"), (-.infinity, "-inf"),
        ]
        for (x, text) in numbers { #expect(CheckText.number(x) == text, "\(x)") }
        let thresholds: [(Double, String)] = [(0.93, "0.93"), (0.9, "0.9"), (50, "50"), (1e-5, "1e-5"), (0.0001, "0.0001"),
                                              (0.123456789, "0.123")]
        for (x, text) in thresholds { #expect(CheckText.threshold(x) == text, "\(x)") }
    }

    @Test func valueShowsTheBoundItRestsOn() {
        func check(value: Double?, estimate: Double?, interval: [Double]?) -> CheckResult {
            CheckResult(id: "x", kind: "metric", title: "x", severity: .required, verdict: .pass, value: value,
                        estimate: estimate, interval: interval, message: "")
        }
        #expect(CheckText.value(check(value: 0.931, estimate: 0.962, interval: [0.931, 0.98])) == "0.962 [0.931, 0.980]")
        #expect(CheckText.value(check(value: 0.98, estimate: 0.962, interval: [0.931, 0.98])) == "0.962 [0.931, 0.980]")
        // A bound that is not an end of the interval stays in front, where the verdict's number belongs.
        #expect(CheckText.value(check(value: 0.9, estimate: 0.95, interval: [0.91, 0.99]))
            == "0.900 (estimate 0.950 [0.910, 0.990])")
        #expect(CheckText.value(check(value: 0.9, estimate: 0.95, interval: nil)) == "0.900 (estimate 0.950)")
        #expect(CheckText.value(check(value: nil, estimate: 0.95, interval: nil)) == "0.950")
        #expect(CheckText.value(check(value: nil, estimate: nil, interval: nil)) == "-")
    }

    @Test func boundAndVerdictWords() {
        #expect(CheckText.bound(SampleResults.accuracy) == "≥ 0.93")
        #expect(CheckText.bound(SampleResults.golden) == "≤ 1e-5")
        #expect(CheckText.bound(SampleResults.leakage) == "-")
        #expect(CheckText.verdict(SampleResults.calibration) == "WARN")
        #expect(CheckText.verdict(SampleResults.sensitivity) == "FAIL")
        #expect(CheckText.verdict(SampleResults.rotate90) == "INCONCLUSIVE")
        #expect(CheckText.verdict(SampleResults.leakage) == "SKIPPED")
    }

    @Test func outcomeAndItsReason() {
        let everything = SampleResults.everything
        #expect(CheckText.outcome(everything) == "FAILED")
        #expect(CheckText.outcomeReason(everything) == "2 of 6 required checks failed, 1 inconclusive, 1 skipped, 1 warning")
        #expect(CheckText.outcomeReason(SampleResults.result([])) == "no required checks")
        #expect(CheckText.outcome(SampleResults.result([])) == "PASSED")
    }
}
