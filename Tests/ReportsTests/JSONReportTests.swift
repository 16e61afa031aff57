import Checks
import Foundation
import Testing
import Reports

@Suite struct JSONReportTests {
    @Test func roundTripsToAnEqualResult() throws {
        for result in [SampleResults.everything, SampleResults.oneFailure, SampleResults.result([])] {
            let decoded = try JSONDecoder().decode(VerificationResult.self, from: JSONReport.render(result))
            #expect(decoded == result)
        }
    }

    @Test func carriesOutcomeAndExitCode() throws {
        let s = SampleResults.self
        let cases: [([CheckResult], String, Int)] = [
            (s.everything.checks, "failed", 1),
            ([s.accuracy, s.rotate90], "inconclusive", 3),
            ([s.accuracy, s.calibration], "passed", 0),
        ]
        for (checks, outcome, exitCode) in cases {
            let data = try JSONReport.render(SampleResults.result(checks))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["outcome"] as? String == outcome)
            #expect(object["exitCode"] as? Int == exitCode)
            #expect((object["checks"] as? [Any])?.count == checks.count)
        }
    }

    @Test func prettySortedAndStable() throws {
        let data = try JSONReport.render(SampleResults.everything)
        let text = String(decoding: data, as: UTF8.self)
        let keys = ["checks", "datasetFingerprint", "date", "environment", "exitCode", "model", "modelcheckVersion",
                    "outcome", "skippedImages", "spec"]
        let positions = try keys.map { key in try #require(text.range(of: "\n  \"\(key)\" : ")).lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.hasPrefix("{\n  \"checks\" : [\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"path\" : \"runs/r14/model.npz\""))
        // Dictionaries (environment, details) hash in a different order each process; sorting hides that.
        #expect(try JSONReport.render(SampleResults.everything) == data)
    }

    /// A NaN model's measurements can be non-finite; JSON has no such numbers, so they are strings
    /// that the report's decoder reads back, and the document stays valid JSON for any reader.
    @Test func nonFiniteNumbersAreWrittenAsStringsAndReadBack() throws {
        var nan = SampleResults.accuracy, inf = SampleResults.accuracy
        (nan.value, inf.value) = (.nan, -.infinity)
        let data = try JSONReport.render(SampleResults.result([nan, inf]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"value\" : \"nan\"") && text.contains("\"value\" : \"-inf\""), "\(text)")
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        let back = try JSONReport.decoder.decode(VerificationResult.self, from: data)
        #expect(back.checks[0].value?.isNaN == true && back.checks[1].value == -.infinity)
    }
}
