import Checks
import Foundation

/// Parses spec text the way the tests need it: from a fixed folder, without touching files.
enum SpecTesting {
    /// The folder inline specs are taken to lie in.
    static let folder = URL(fileURLWithPath: "/specs-under-test/Specs")

    /// The first 12 lines of a valid spec; a test's `checks:` items start on line 13.
    static let header = """
        modelcheck: 1
        name: t
        model:
          architecture: R14x0.5
        data:
          folder: data
          split:
            by: image
            train: 0.8
            validation: 0.1
            test: 0.1
        checks:

        """

    /// What checks are built with in tests that look at built checks.
    static let inputs = CheckBuildInputs(modelSHA256: "model-sha", environment: ["threads": "2"])

    static func parse(_ text: String, checkFiles: Bool = false) throws -> Spec {
        try Spec.parse(text, file: "t.spec", baseDirectory: folder, checkFiles: checkFiles)
    }

    /// Every message the spec gets, as printed; empty when it parses.
    static func messages(_ text: String, checkFiles: Bool = false) -> [String] {
        do {
            _ = try parse(text, checkFiles: checkFiles)
            return []
        } catch let errors as SpecErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["unexpected \(type(of: error)): \(error)"]
        }
    }

    /// The messages for a spec that is `header` followed by `checks`.
    static func checkMessages(_ checks: String) -> [String] { messages(header + checks) }

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spec-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
