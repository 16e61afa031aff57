import Foundation
import Testing
@testable import Datasets

@Suite struct LeakageReportTests {
    /// Patients C1...C6 with two images each (two of them real malaria cells), plus a
    /// byte-identical copy of C1's image planted under patient C9's name.
    static func folder() throws -> DatasetFolder {
        let folder = try DatasetFolder()
        try folder.copyMalaria(MalariaData.parasitized[0], to: "Parasitized/C1_a.png")
        try folder.copyMalaria(MalariaData.parasitized[1], to: "Parasitized/C1_b.png")
        for (i, name) in ["C2_a", "C2_b", "C3_a", "C3_b", "C4_a", "C4_b", "C5_a", "C5_b", "C6_a", "C6_b"].enumerated() {
            try folder.png("\(i < 6 ? "Parasitized" : "Uninfected")/\(name).png", seed: i)
        }
        try folder.write("Uninfected/C9_copy.png", try folder.bytes("Parasitized/C1_a.png"))
        return folder
    }

    @Test func findsAPlantedCopyAcrossSplitsAndASharedGroup() throws {
        let folder = try Self.folder()
        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^(C[0-9]+)"))
        let paths = manifest.entries.map(\.path)
        // By hand: C1_b in test (its patient leaks), the copy of C1_a in validation.
        let assignment: [DatasetSplit.Part] = paths.map {
            $0.hasSuffix("C1_b.png") ? .test : $0.hasSuffix("C9_copy.png") ? .validation : .train
        }
        let report = try LeakageReport(manifest, split: DatasetSplit(manifest, assignment: assignment))
        #expect(report.hasLeakage)
        #expect(report.sharedGroups.map(\.group) == ["C1"])
        #expect(report.sharedGroups[0].paths == [.train: ["Parasitized/C1_a.png"], .test: ["Parasitized/C1_b.png"]])
        #expect(report.crossSplitDuplicates.count == 1)
        #expect(report.crossSplitDuplicates[0].paths == [.train: ["Parasitized/C1_a.png"], .validation: ["Uninfected/C9_copy.png"]])
        #expect(report.crossSplitDuplicates[0].sha256 == manifest.entries[0].sha256)
        #expect(report.withinSplitDuplicates.isEmpty)
        #expect(report.lines == [
            "groups in more than one split: 1",
            "  C1: train 1, test 1",
            "    train: Parasitized/C1_a.png",
            "    test: Parasitized/C1_b.png",
            "identical images across splits: 1",
            "  sha256 \(manifest.entries[0].sha256):",
            "    train: Parasitized/C1_a.png",
            "    validation: Uninfected/C9_copy.png",
            "identical images within one split: 0 sets, 0 extra copies (informational)",
        ])
    }

    @Test func aCopyWithinOneSplitIsOnlyCounted() throws {
        let folder = try Self.folder()
        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^(C[0-9]+)"))
        let split = try DatasetSplit(manifest, assignment: manifest.entries.map { _ in .train })
        let report = try LeakageReport(manifest, split: split)
        #expect(!report.hasLeakage)
        #expect(report.withinSplitDuplicates.map(\.count) == [2])
        #expect(report.lines.last == "identical images within one split: 1 sets, 1 extra copies (informational)")
    }

    @Test func groupsFromAPatternWhenTheManifestHasNone() throws {
        let folder = try Self.folder()
        let manifest = try ImageFolder.scan(folder.url)
        let split = try DatasetSplit(manifest, rule: SplitRule(by: .image, train: 0.5, validation: 0.25, test: 0.25, seed: 4))
        let blind = try LeakageReport(manifest, split: split)
        #expect(!blind.groupsChecked)
        #expect(blind.lines.first == "groups: not checked (no group pattern)")
        let checked = try LeakageReport(manifest, split: split, groupPattern: GroupPattern("^(C[0-9]+)"))
        #expect(checked.groupsChecked)
        #expect(!checked.sharedGroups.isEmpty)
        for shared in checked.sharedGroups { #expect(shared.paths.count > 1) }
    }

    @Test func aGroupSplitCanStillLeakACopyUnderAnotherGroup() throws {
        let folder = try Self.folder()
        let manifest = try ImageFolder.scan(folder.url, groupPattern: GroupPattern("^(C[0-9]+)"))
        var leakedCopy = false
        for seed: UInt64 in 0..<20 {
            let split = try DatasetSplit(manifest, rule: SplitRule(by: .group, train: 0.6, validation: 0.2, test: 0.2, seed: seed))
            let report = try LeakageReport(manifest, split: split)
            #expect(report.sharedGroups.isEmpty)
            let c1 = split.assignment[manifest.entries.firstIndex { $0.group == "C1" }!]
            let c9 = split.assignment[manifest.entries.firstIndex { $0.group == "C9" }!]
            #expect(report.crossSplitDuplicates.count == (c1 == c9 ? 0 : 1))
            leakedCopy = leakedCopy || c1 != c9
        }
        #expect(leakedCopy)
    }

    @Test func aSplitOfAnotherManifestIsRejected() throws {
        let folder = try Self.folder()
        let manifest = try ImageFolder.scan(folder.url)
        let other = SyntheticManifest.make(classCounts: [3, 3])
        let split = try DatasetSplit(other, assignment: other.entries.map { _ in .train })
        #expect(throws: DatasetError.self) { try LeakageReport(manifest, split: split) }
    }
}
