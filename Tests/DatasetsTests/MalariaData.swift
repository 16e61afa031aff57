import Foundation
import Testing
@testable import Datasets

/// The real malaria cell images (10,000 PNGs of 160 patients) in shared/data/malaria, beside
/// the repository; CI lays it there, so a missing folder fails rather than skips.
enum MalariaData {
    static let patient = "^(C[0-9]+)"
    static let parasitized = [
        "Parasitized/C100P61ThinF_IMG_20150918_144104_cell_162.png",
        "Parasitized/C100P61ThinF_IMG_20150918_144104_cell_163.png",
        "Parasitized/C101P62ThinF_IMG_20150918_151006_cell_61.png",
    ]

    static func root() throws -> URL {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let root = repository.deletingLastPathComponent().appendingPathComponent("shared/data/malaria")
        var isFolder: ObjCBool = false
        try #require(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("Parasitized").path, isDirectory: &isFolder)
                && isFolder.boolValue,
            "the malaria data set is missing: expected \(root.path) (shared/data/malaria beside the repository)")
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
