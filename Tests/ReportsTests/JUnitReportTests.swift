import Checks
import Foundation
import TestSupport
import Testing
@testable import Reports

@Suite struct JUnitReportTests {
    /// What Python's ElementTree (expat underneath) reads back from a JUnit file.
    private struct Parsed: Decodable {
        struct Case: Decodable {
            let classname: String
            let name: String
            let failure: [String: String]?
            let skipped: String?
            let out: String?
        }
        let root: String
        let rootAttributes: [String: String]
        let suites: Int
        let suite: [String: String]
        let properties: [String: String]
        let cases: [Case]
    }

    private static let reader = """
        import json, sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        suite = root.find('testsuite')
        def failure(case):
            f = case.find('failure')
            return None if f is None else {'message': f.get('message'), 'type': f.get('type'), 'text': f.text}
        def skipped(case):
            s = case.find('skipped')
            return None if s is None else s.get('message')
        def out(case):
            o = case.find('system-out')
            return None if o is None else o.text
        print(json.dumps({
            'root': root.tag, 'rootAttributes': dict(root.attrib), 'suites': len(root.findall('testsuite')),
            'suite': dict(suite.attrib),
            'properties': {p.get('name'): p.get('value') for p in suite.find('properties')},
            'cases': [{'classname': c.get('classname'), 'name': c.get('name'), 'failure': failure(c),
                       'skipped': skipped(c), 'out': out(c)} for c in suite.findall('testcase')],
        }))
        """

    /// Writes the report as the CLI would and reads it with Python; fails (never skips) without python3.
    private func parse(_ result: VerificationResult) throws -> Parsed {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("junit.xml")
        let xml = JUnitReport.render(result, specName: "malaria <&>", duration: .milliseconds(12_345))
        try ReportFile.write(Data(xml.utf8), to: file)
        let python = try Python.run(script: Self.reader, [file.path])
        try #require(python.status == 0, "python3 could not read the report: \(python.errors)\(python.output)")
        return try JSONDecoder().decode(Parsed.self, from: Data(python.output.utf8))
    }

    @Test func suiteCountsTimeAndProperties() throws {
        let parsed = try parse(SampleResults.everything)
        #expect(parsed.root == "testsuites")
        #expect(parsed.suites == 1)
        let counts = ["tests": "10", "failures": "2", "errors": "0", "skipped": "4", "time": "12.345"]
        #expect(parsed.suite == counts.merging(["name": "modelcheck: malaria <&>", "timestamp": "2025-11-30T02:00:00Z"]) { $1 })
        #expect(parsed.rootAttributes == counts.merging(["name": "modelcheck"]) { $1 })
        #expect(parsed.properties == [
            "spec.path": "Specs/malaria.yaml", "spec.sha256": String(repeating: "ab", count: 32),
            "model.path": "runs/r14/model.npz", "model.sha256": String(repeating: "3f", count: 32),
            "dataset.fingerprint": String(repeating: "9c", count: 32), "dataset.skippedImages": "0", "modelcheck.version": "0.1.0",
            "date": "2025-11-30T02:00:00Z", "outcome": "failed", "exitCode": "1",
            "environment.blasCore": "SkylakeX", "environment.os": "Linux", "environment.threads": "2",
        ])
    }

    @Test func everyVerdictMapsOntoJUnit() throws {
        let cases = try parse(SampleResults.everything).cases
        #expect(cases.map(\.classname) == SampleResults.everything.checks.map { "modelcheck." + $0.kind })
        #expect(cases.map(\.name).prefix(9) == SampleResults.everything.checks.map(\.id).prefix(9))
        let byName = Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0) })

        for passed in ["accuracy", "golden", "latency"] {
            let testcase = try #require(byName[passed])
            #expect(testcase.failure == nil && testcase.skipped == nil)
        }
        let accuracy = try #require(byName["accuracy"]?.out)
        #expect(accuracy.contains("value 0.931, estimate 0.962, 95% interval [0.931, 0.980], required ≥ 0.93, 412 samples"))

        let warning = try #require(byName["calibration.ece"])
        #expect(warning.failure == nil && warning.skipped == nil)
        #expect(warning.out?.hasPrefix("WARNING: failed, but its severity is warn, so it does not fail the run: "
            + "value 0.081, required ≤ 0.05: ECE 0.081 is above 0.05\n") == true)
        #expect(warning.out?.contains("  bin 0.9–1.0: confidence 0.97, accuracy 0.88") == true)

        #expect(byName["invariance.rotate90"]?.skipped == "inconclusive: only 12 images; at least 30 are needed to decide")
        #expect(byName["specificity"]?.skipped == "inconclusive: only 3 uninfected images")
        #expect(byName["invariance.rotate90"]?.failure == nil)
        #expect(byName["leakage"]?.skipped == "no group pattern in the spec")
        #expect(byName["baseline.drift"]?.skipped == "no baseline yet")
    }

    @Test func failureCarriesValueThresholdAndEvidence() throws {
        let cases = try parse(SampleResults.everything).cases
        let failure = try #require(cases.first { $0.name == "sensitivity" }?.failure)
        #expect(failure["message"] == "value 0.871, required ≥ 0.9: lower 95% bound 0.871 is below 0.9 on 206 parasitized images")
        #expect(failure["type"] == "metric")
        let body = try #require(failure["text"])
        #expect(body.hasPrefix("sensitivity ≥ 0.9 (lower 95% bound)\n"
            + "value 0.871, estimate 0.912, 95% interval [0.871, 0.944], required ≥ 0.9, 206 samples\n"))
        for line in SampleResults.sensitivity.evidence { #expect(body.contains("\n  \(line)\n")) }
        #expect(body.hasSuffix("details:\n  falseNegatives = 18\n  truePositives = 188"))
    }

    @Test func hostileTextSurvivesParsing() throws {
        let cases = try parse(SampleResults.everything).cases
        // The one character XML 1.0 cannot carry comes back as U+FFFD; everything else exactly as the check wrote it.
        let readable = SampleResults.hostile.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
        let testcase = try #require(cases.last)
        #expect(testcase.name == "text." + readable)
        #expect(testcase.failure?["message"] == "value 0.500, required ≥ 0.75: message \(readable)\nsecond\tline")
        #expect(testcase.failure?["text"]?.contains("\n  evidence \(readable)\n  line\nbreak") == true)
    }

    @Test func passingResultHasNoFailures() throws {
        let parsed = try parse(SampleResults.result([SampleResults.accuracy, SampleResults.golden]))
        #expect(parsed.suite["tests"] == "2" && parsed.suite["failures"] == "0" && parsed.suite["skipped"] == "0")
        #expect(parsed.properties["outcome"] == "passed" && parsed.properties["exitCode"] == "0")
        #expect(parsed.cases.allSatisfy { $0.failure == nil && $0.skipped == nil })
    }
}
