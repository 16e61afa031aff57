import Foundation
import Testing

/// `modelcheck checks` prints the catalogue the parser reads, and docs/checks.md's table is its `--markdown`.
@Suite struct ChecksCommandTests {
    @Test func listsEveryCheckWithItsKeysAndDefaults() throws {
        let r = try CLI.run(["checks"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["output_shape", "finite_outputs", "softmax_sums_to_one", "initial_loss", "deterministic", "overfit_batch",
                     "no_leakage"] {
            #expect(r.stdout.contains("\(name) (pre-train)"), "\(name)")
        }
        for name in ["invariance", "metric", "baseline", "golden"] {
            #expect(r.stdout.contains("\(name) (post-train)"), "\(name)")
        }
        #expect(r.stdout.contains("sample     integer 1–4096; default: 32"))
        #expect(r.stdout.contains("on_missing    one of fail, skip; default: fail"))
    }

    @Test func markdownIsTheCatalogueDocsTable() throws {
        let r = try CLI.run(["checks", "--markdown"])
        #expect(r.status == 0, "\(r.stderr)")
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/checks.md"), encoding: .utf8)
        #expect(readme.contains("<!-- checks:begin -->\n" + r.stdout + "<!-- checks:end -->"))
    }
}
