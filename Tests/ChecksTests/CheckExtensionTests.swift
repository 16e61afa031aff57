import BiT
import Checks
import Foundation
import Testing

/// A check declared here, outside the Checks module: one type and one catalogue line make the
/// parser accept it and judge its keys, with no change to the parser.
struct MeanBrightnessCheck: Check, Equatable, CheckDefinition {
    let id: String
    let severity: CheckResult.Severity
    let maxMean: Double
    let sample: Int

    static let name = "mean_brightness"
    static let phase = CheckPhase.preTrain
    static let doc = "training images are not washed out"
    static let maxMeanKey = CheckKey.number("max_mean", .required, "in (-1, 1]", doc: "largest allowed mean input value") {
        $0 > -1 && $0 <= 1
    }
    static let sampleKey = CheckKey.integer("sample", .defaultValue(.integer(16)), atLeast: 1, doc: "training images looked at")
    static let keys = [maxMeanKey, sampleKey]

    static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [MeanBrightnessCheck(id: entry.id, severity: entry.severity, maxMean: entry.number(maxMeanKey), sample: entry.integer(sampleKey))]
    }

    func run(_ context: CheckContext) throws -> CheckResult {
        let batch = try context.batch(.train, count: sample)
        let values = batch.images.array
        let mean = Double(values.reduce(0, +)) / Double(max(values.count, 1))
        return CheckResult(id: id, kind: Self.name, title: "mean input ≤ \(maxMean)", severity: severity,
                           verdict: mean <= maxMean ? .pass : .fail, value: mean, threshold: maxMean, comparison: .atMost,
                           samples: batch.labels.count, message: "mean input value \(mean)")
    }
}

@Suite struct CheckExtensionTests {
    let catalogue = CheckCatalogue(CheckCatalogue.standard.kinds + [CheckKind(MeanBrightnessCheck.self)])

    func parse(_ checks: String, catalogue: CheckCatalogue) throws -> Spec {
        try Spec.parse(SpecTesting.header + checks, file: "t.spec", baseDirectory: SpecTesting.folder, checkFiles: false,
                       catalogue: catalogue)
    }

    func messages(_ checks: String, catalogue: CheckCatalogue) -> [String] {
        do {
            _ = try parse(checks, catalogue: catalogue)
            return []
        } catch let errors as SpecErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func theParserAcceptsACheckOfAnInjectedCatalogue() throws {
        let spec = try parse("  - check: mean_brightness\n    max_mean: 0.5\n  - check: mean_brightness\n    id: strict\n    max_mean: 0\n    sample: 4\n",
                             catalogue: catalogue)
        #expect(spec.checks.map(\.kind.name) == ["mean_brightness", "mean_brightness"])
        #expect(spec.checks.map(\.kind.phase) == [.preTrain, .preTrain])
        let built = spec.checks.flatMap { $0.checks(SpecTesting.inputs) }
        #expect(built as? [MeanBrightnessCheck] == [
            MeanBrightnessCheck(id: "mean_brightness", severity: .required, maxMean: 0.5, sample: 16),
            MeanBrightnessCheck(id: "strict", severity: .required, maxMean: 0, sample: 4),
        ])
        #expect(catalogue.listing.contains("mean_brightness (pre-train)"))
        #expect(catalogue.markdownTable.contains("| `mean_brightness` | pre-train | training images are not washed out | `max_mean` (required), `sample` (16) |"))
    }

    @Test func itsKeyErrorsComeWithPositionsAndSuggestions() {
        let text = """
              - check: mean_brightness
                max_mena: 0.5
                sample: 0
              - check: mean_brightness
                id: second
                max_mean: 2
              - check: mean_brightness
                id: third
                max_mean: bright
              - check: mean_brightnes

            """
        #expect(messages(text, catalogue: catalogue) == [
            "t.spec:13:5: missing required key 'max_mean' in mean_brightness check",
            "t.spec:14:5: unknown key 'max_mena' in mean_brightness check (did you mean 'max_mean'?)",
            "t.spec:15:13: sample: must be at least 1, got 0",
            "t.spec:18:15: max_mean: must be in (-1, 1], got 2",
            "t.spec:21:15: max_mean: expected a number, got 'bright'",
            "t.spec:22:12: unknown check kind 'mean_brightnes' (did you mean 'mean_brightness'?)",
        ])
    }

    @Test func theStandardCatalogueDoesNotKnowIt() {
        #expect(messages("  - check: mean_brightness\n    max_mean: 0.5\n", catalogue: .standard) == [
            "t.spec:13:12: unknown check kind 'mean_brightness'",
        ])
    }
}
