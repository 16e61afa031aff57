import Foundation
import Testing
@testable import Datasets

/// The embedded sample: 2,000 real images of 160 patients, as a user's clone has it.
@Suite struct MalariaFolderTests {
    @Test func scanMatchesTheFolderAndSha256sum() throws {
        let manifest = try MalariaData.manifest()
        let megabytes = Double(manifest.entries.reduce(0) { $0 + $1.byteCount }) / 1e6
        print("malaria scan: \(manifest.entries.count) files, \(megabytes) MB read and hashed in \(try MalariaData.scanSeconds()) s")
        #expect(manifest.classNames == ["Parasitized", "Uninfected"])
        #expect(manifest.classCounts == [1000, 1000])
        #expect(Set(manifest.entries.compactMap(\.group)).count == 160)
        #expect(manifest.ignored == [.init(path: "README.md", reason: .outsideClassFolder), .init(path: "SHA256SUMS", reason: .outsideClassFolder)])
        let sums = try String(contentsOf: MalariaData.root().appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let expected = Dictionary(uniqueKeysWithValues: sums.split(separator: "\n").map {
            (String($0.dropFirst(66)), String($0.prefix(64)))
        })
        #expect(expected.count == 2000)
        #expect(manifest.entries.filter { expected[$0.path] != $0.sha256 }.map(\.path) == [])
    }

    /// Stated tolerance: each split within 1% of all images (20) of its target, and each
    /// split's parasitized share within 5 points of the whole's 50%.
    @Test func groupSplitHitsTheFractionsByPatient() throws {
        let manifest = try MalariaData.manifest()
        var trainGroups: Set<Set<String>> = []
        for seed: UInt64 in [1, 2, 42] {
            let rule = try SplitRule(by: .group, train: 0.8, validation: 0.1, test: 0.1, seed: seed)
            let split = try DatasetSplit(manifest, rule: rule)
            for part in DatasetSplit.Part.allCases {
                let count = split.indices(part).count
                #expect(abs(Double(count) - 2000 * rule.fraction(part)) <= 20, "seed \(seed) \(part): \(count)\n\(split)")
                let share = Double(split.classCounts(part)[0]) / Double(count)
                #expect(abs(share - 0.5) <= 0.05, "seed \(seed) \(part)\n\(split)")
            }
            #expect(try !LeakageReport(manifest, split: split).hasLeakage)
            trainGroups.insert(Set(split.groupCounts(.train).map(\.group)))
            if seed == 42 { print(split) }
        }
        #expect(trainGroups.count == 3, "each seed picks other patients")
    }

    @Test func anImageSplitLeaksPatients() throws {
        let manifest = try MalariaData.manifest()
        let split = try DatasetSplit(manifest, rule: SplitRule(by: .image, train: 0.8, validation: 0.1, test: 0.1, seed: 1))
        #expect(DatasetSplit.Part.allCases.map { split.classCounts($0) } == [[800, 800], [100, 100], [100, 100]])
        let report = try LeakageReport(manifest, split: split)
        // Most patients have a dozen images, so a split by image puts nearly all of them on two sides.
        #expect(report.sharedGroups.count > 130)
        #expect(report.crossSplitDuplicates.isEmpty)
        #expect(report.hasLeakage)
    }
}
