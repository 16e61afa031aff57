import Foundation
import Testing
@testable import Datasets

@Suite struct DatasetSplitTests {
    @Test func fractionsMustBePositiveAndSumToOne() throws {
        for (a, b, c) in [(0.8, 0.2, 0.0), (0.9, 0.2, -0.1), (0.5, 0.3, 0.1), (1.0, 0.0, 0.0)] {
            #expect(throws: DatasetError.invalidFractions(train: a, validation: b, test: c)) {
                try SplitRule(by: .image, train: a, validation: b, test: c, seed: 1)
            }
        }
        #expect(throws: DatasetError.self) { try SplitRule(by: .image, train: .nan, validation: 0.5, test: 0.5, seed: 1) }
        let tutorial = try SplitRule(by: .group, train: 0.9, validation: 0.09, test: 0.01, seed: 1)
        #expect(tutorial.description == "by group, 0.9/0.09/0.01, seed 1")
        let json = try JSONEncoder().encode(tutorial)
        #expect(try JSONDecoder().decode(SplitRule.self, from: json) == tutorial)
        let bad = Data(#"{"unit":"image","train":0.5,"validation":0.5,"test":0.5,"seed":1}"#.utf8)
        #expect(throws: DatasetError.self) { try JSONDecoder().decode(SplitRule.self, from: bad) }
    }

    @Test(arguments: [SplitRule.Unit.image, .group])
    func sameSeedSameSplitOtherSeedOtherSplit(unit: SplitRule.Unit) throws {
        let manifest = SyntheticManifest.make(groups: 60)
        func split(_ seed: UInt64) throws -> DatasetSplit {
            try DatasetSplit(manifest, rule: SplitRule(by: unit, train: 0.7, validation: 0.15, test: 0.15, seed: seed))
        }
        #expect(try split(11) == split(11))
        #expect(try split(11).assignment != split(12).assignment)
    }

    @Test func pinnedAssignmentForASeed() throws {
        // Guards the cross-platform promise: a change here changes every user's split. The
        // letters come from a Python re-implementation of SplitMix64, the Fisher–Yates draw
        // and the cell counts (class 0: 4/1/1, class 1: 2/1/1) documented in DatasetSplit.
        let manifest = SyntheticManifest.make(classCounts: [6, 4])
        let split = try DatasetSplit(manifest, rule: SplitRule(by: .image, train: 0.6, validation: 0.2, test: 0.2, seed: 5))
        let letters = split.assignment.map { ["train": "T", "validation": "V", "test": "E"][$0.rawValue]! }.joined()
        #expect(letters == "TTEVTTTEVT")
    }

    @Test func stratifiedByClass() throws {
        let manifest = SyntheticManifest.make(classCounts: [100, 37, 11])
        let rule = try SplitRule(by: .image, train: 0.8, validation: 0.1, test: 0.1, seed: 3)
        let split = try DatasetSplit(manifest, rule: rule)
        #expect(split.indices(.train).count + split.indices(.validation).count + split.indices(.test).count == 148)
        #expect(Set(DatasetSplit.Part.allCases.flatMap(split.indices)) == Set(0..<148))
        // Split totals are 148 · fraction rounded by largest remainder: 118.4, 14.8, 14.8.
        #expect(DatasetSplit.Part.allCases.map { split.indices($0).count } == [118, 15, 15])
        for part in DatasetSplit.Part.allCases {
            #expect(split.indices(part) == split.indices(part).sorted())
            for (c, n) in [100, 37, 11].enumerated() {
                let exact = Double(n) * rule.fraction(part)
                #expect(abs(Double(split.classCounts(part)[c]) - exact) < 1, "\(part) class \(c)")
            }
        }
    }

    @Test func tutorialFractionsOnASmallSet() throws {
        let manifest = SyntheticManifest.make(classCounts: [50, 50])
        let split = try DatasetSplit(manifest, rule: SplitRule(by: .image, train: 0.9, validation: 0.09, test: 0.01, seed: 9))
        #expect(DatasetSplit.Part.allCases.map { split.indices($0).count } == [90, 9, 1])
        #expect(split.classCounts(.train) == [45, 45])
    }

    @Test func anEmptySplitIsAnError() throws {
        let manifest = SyntheticManifest.make(classCounts: [5, 5])
        let rule = try SplitRule(by: .image, train: 0.9, validation: 0.09, test: 0.01, seed: 1)
        let error = #expect(throws: DatasetError.self) { try DatasetSplit(manifest, rule: rule) }
        #expect(error?.description == "the test split would be empty: 10 images × 0.01 rounds to 0 images")

        let twoGroups = SyntheticManifest.make(groups: 2)
        #expect(throws: DatasetError.self) {
            try DatasetSplit(twoGroups, rule: SplitRule(by: .group, train: 0.8, validation: 0.1, test: 0.1, seed: 1))
        }
    }

    @Test func groupSplitNeedsGroups() throws {
        let manifest = SyntheticManifest.make(classCounts: [3, 3])
        #expect(throws: DatasetError.missingGroup(path: "/synthetic/class0/0.png")) {
            try DatasetSplit(manifest, rule: SplitRule(by: .group, train: 0.8, validation: 0.1, test: 0.1, seed: 1))
        }
    }

    @Test func groupSplitNeverSharesAGroup() throws {
        for seed in UInt64(0)..<100 {
            let manifest = SyntheticManifest.make(groups: 12 + Int(seed % 40), classes: 2 + Int(seed % 3), seed: seed)
            let rule = try SplitRule(by: .group, train: 0.7, validation: 0.2, test: 0.1, seed: seed)
            let split = try DatasetSplit(manifest, rule: rule)
            var partOfGroup: [String: DatasetSplit.Part] = [:]
            for (entry, part) in zip(manifest.entries, split.assignment) {
                #expect(partOfGroup[entry.group!, default: part] == part, "seed \(seed): group \(entry.group!) in two splits")
                partOfGroup[entry.group!] = part
            }
            let all = DatasetSplit.Part.allCases.flatMap(split.indices).sorted()
            #expect(all == Array(manifest.entries.indices), "seed \(seed): not a partition")
            #expect(DatasetSplit.Part.allCases.allSatisfy { !split.indices($0).isEmpty }, "seed \(seed)")
            let groups = DatasetSplit.Part.allCases.map { Set(split.groupCounts($0).map(\.group)) }
            #expect(groups[0].isDisjoint(with: groups[1]) && groups[0].isDisjoint(with: groups[2]) && groups[1].isDisjoint(with: groups[2]))
            #expect(try !LeakageReport(manifest, split: split).hasLeakage)
        }
    }

    @Test func countsTable() throws {
        let manifest = SyntheticManifest.make(classCounts: [6, 4])
        let split = try DatasetSplit(manifest, rule: SplitRule(by: .image, train: 0.6, validation: 0.2, test: 0.2, seed: 5))
        #expect(split.lines == [
            "split by image, 0.6/0.2/0.2, seed 5",
            "split       images   share  target  class0  class1  groups",
            "train            6   60.0%       6       4       2       0",
            "validation       2   20.0%       2       1       1       0",
            "test             2   20.0%       2       1       1       0",
            "total           10  100.0%      10       6       4       0",
        ])
    }

    @Test func groupCountsAndTable() throws {
        let manifest = SyntheticManifest.make(groups: 5, maxGroupSize: 4, seed: 3)
        let split = try DatasetSplit(manifest, assignment: manifest.entries.map { $0.group == "P0" ? .test : $0.group == "P1" ? .validation : .train })
        #expect(split.rule == nil)
        #expect(split.groupCounts(.test).map(\.group) == ["P0"])
        #expect(split.groupCounts(.train).map(\.group) == ["P2", "P3", "P4"])
        #expect(split.groupLines.first == "group  train  validation  test")
        #expect(split.groupLines.count == 6)
        #expect(split.lines.first == "split given by assignment")
        #expect(throws: DatasetError.splitMismatch(entries: manifest.entries.count, assigned: 1)) {
            try DatasetSplit(manifest, assignment: [.train])
        }
    }
}
