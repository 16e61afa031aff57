import Checks
import Foundation
import Testing

/// The catalogue is the one list of checks: the table in docs/checks.md is its rendering, and its
/// entries are consistent with the keys every check shares.
@Suite struct CheckCatalogueTests {
    static let catalogueDoc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/checks.md")

    /// The text of docs/checks.md between the check-table markers.
    static func catalogueTable() throws -> String {
        let text = try String(contentsOf: catalogueDoc, encoding: .utf8)
        let begin = "<!-- checks:begin -->\n", end = "<!-- checks:end -->"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            Issue.record("docs/checks.md has no \(begin)…\(end) markers")
            return ""
        }
        return String(text[start.upperBound..<stop.lowerBound])
    }

    @Test func catalogueTableIsTheCataloguesRendering() throws {
        // Regenerate with `modelcheck checks --markdown` when a check changes.
        #expect(try Self.catalogueTable() == CheckCatalogue.standard.markdownTable)
    }

    @Test func namesAndKeysAreUnique() {
        let catalogue = CheckCatalogue.standard
        #expect(Set(catalogue.names).count == catalogue.names.count)
        let common = Set(["check"] + Spec.Check.commonKeys.map(\.name))
        for kind in catalogue.kinds {
            let names = kind.keys.map(\.name)
            #expect(Set(names).count == names.count, "\(kind.name) lists a key twice")
            #expect(common.isDisjoint(with: names), "\(kind.name) redefines a common key")
            #expect(kind.distinctKeys.allSatisfy { kind.key($0) != nil }, "\(kind.name) names an unknown distinct key")
        }
    }

    @Test func phasesAreTheSetUpChecksThenTheTrainedModelsChecks() {
        let kinds = CheckCatalogue.standard.kinds
        #expect(kinds.filter { $0.phase == .preTrain }.map(\.name) == [
            "output_shape", "finite_outputs", "softmax_sums_to_one", "initial_loss", "deterministic", "overfit_batch", "no_leakage",
        ])
        #expect(kinds.filter { $0.phase == .postTrain }.map(\.name) == [
            "invariance", "robustness", "colour_shift", "operating_point", "metric", "calibration", "drift", "baseline", "golden",
        ])
    }

    @Test func listingShowsEveryCheckKeyAndDefault() {
        let listing = CheckCatalogue.standard.listing
        for kind in CheckCatalogue.standard.kinds {
            #expect(listing.contains("\(kind.name) (\(kind.phase.rawValue))"))
            for key in kind.keys {
                #expect(listing.contains("  \(key.name) "), "\(kind.name).\(key.name) missing")
                #expect(listing.contains("\(key.type); default: \(key.defaultDescription)"), "\(kind.name).\(key.name)")
                #expect(listing.contains(key.doc))
            }
        }
        #expect(listing.contains("tolerance  number greater than 0; default: 1e-5"))
        #expect(listing.contains("severity  one of required, warn; default: required"))
        #expect(listing.contains("on_empty  one of fail, skip, inconclusive; default: inconclusive"))
    }
}
