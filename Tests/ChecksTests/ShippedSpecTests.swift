import Checks
import Foundation
import Testing

/// The specs in Specs/ parse and say what the README says they say.
@Suite struct ShippedSpecTests {
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Specs")

    @Test func embeddedSpecIsValidWithItsData() throws {
        let spec = try Spec.load(contentsOf: Self.specs.appendingPathComponent("malaria-embedded.spec"))
        #expect(spec.name == "malaria-embedded")
        #expect(spec.data.split.by == .group && spec.data.split.groupPattern == "^(C[0-9]+)")
        #expect(spec.checks.count == 21)
        // The reference case has an operating point, a per-patient gate, the reliability diagram, and gated
        // corruptions and colour shifts.
        let kinds = spec.checks.map(\.kind.name)
        for kind in ["operating_point", "calibration", "robustness", "colour_shift", "drift"] { #expect(kinds.contains(kind), "\(kinds)") }
        #expect(spec.checks.contains { $0.kind.name == "metric" && $0.valuePositions["worst_slice"] != nil })
        #expect(spec.training?.threads == 2 && spec.training?.patience == .off)
    }

    @Test func tutorialSpecIsValidBeforeItsDataIsFetched() throws {
        let spec = try Spec.load(contentsOf: Self.specs.appendingPathComponent("malaria.spec"), checkFiles: false)
        guard case .upstream(let url) = spec.model else { Issue.record("expected an upstream checkpoint"); return }
        #expect(url.lastPathComponent == "BiT-M-R50x1.npz")
        #expect(spec.data.split.train == 0.9 && spec.data.split.validation == 0.09 && spec.data.split.test == 0.01)
        #expect(spec.training?.patience == .after(10) && spec.training?.steps == nil)
        // With files checked, the missing download is reported with its position.
        #expect { try Spec.load(contentsOf: Self.specs.appendingPathComponent("malaria.spec")) } throws: { error in
            let text = "\(error)"
            return text.contains("malaria.spec:") && (text.contains("no such file") || text.contains("no such folder"))
        }
    }

    @Test func scratchSpecCrossValidatesByPatientAndGatesOnTheGoal() throws {
        let spec = try Spec.load(contentsOf: Self.specs.appendingPathComponent("malaria-scratch.spec"), checkFiles: false)
        #expect(spec.data.split.folds == 5 && spec.data.split.by == .group)
        #expect(spec.testTimeAugmentation == .symmetries && spec.data.preprocessing.resize == spec.data.preprocessing.crop)
        let gates = spec.checks.filter { $0.kind.name == "metric" }.compactMap { $0.values["min"]?.spelling }
        #expect(gates.contains("0.97") && gates.contains("0.99"), "\(gates)")
    }
}
