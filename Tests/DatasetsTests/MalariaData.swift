import Foundation
import Testing
@testable import Datasets

/// The embedded malaria sample the repository ships (Specs/data/malaria-sample: 2,000 real NIH
/// cell images, 1,000 per class, of 160 patients), so the tests run on any clone.
enum MalariaData {
    static let patient = "^(C[0-9]+)"
    static let parasitized = [
        "Parasitized/C100P61ThinF_IMG_20150918_144104_cell_165.png",
        "Parasitized/C100P61ThinF_IMG_20150918_144104_cell_170.png",
        "Parasitized/C101P62ThinF_IMG_20150918_151149_cell_68.png",
    ]

    static func root() throws -> URL {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let root = repository.appendingPathComponent("Specs/data/malaria-sample")
        var isFolder: ObjCBool = false
        try #require(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("Parasitized").path, isDirectory: &isFolder)
                && isFolder.boolValue,
            "the embedded sample is missing: expected \(root.path)")
        return root
    }

    /// The whole folder scanned once, grouped by patient, for all tests that need it, with
    /// the scan's wall time in seconds.
    private static let scanned: Result<(manifest: DatasetManifest, seconds: Double), any Error> = Result {
        let start = ContinuousClock.now
        let manifest = try ImageFolder.scan(root(), groupPattern: GroupPattern(patient))
        let elapsed = ContinuousClock.now - start
        return (manifest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    static func manifest() throws -> DatasetManifest { try scanned.get().manifest }
    static func scanSeconds() throws -> Double { try scanned.get().seconds }
}
