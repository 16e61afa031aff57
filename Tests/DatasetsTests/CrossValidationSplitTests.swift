import Foundation
import Testing
@testable import Datasets

@Suite struct CrossValidationSplitTests {
    /// Every group is in the test part of exactly one fold, never in two parts of a fold, the
    /// folds are of about equal size, and validation takes about its share of the rest.
    @Test(arguments: [3, 5])
    func everyGroupIsTestedInExactlyOneFold(folds: Int) throws {
        let manifest = SyntheticManifest.make(groups: 40, seed: 3)
        var testedIn: [String: Int] = [:]
        for fold in 0..<folds {
            let split = try DatasetSplit(manifest, rule: SplitRule(folds: folds, fold: fold, validation: 0.1, seed: 4))
            var partsOf: [String: Set<DatasetSplit.Part>] = [:]
            for (entry, part) in zip(manifest.entries, split.assignment) { partsOf[entry.group!, default: []].insert(part) }
            #expect(partsOf.values.allSatisfy { $0.count == 1 }, "a group in two parts of fold \(fold)")
            for (group, parts) in partsOf where parts == [.test] {
                #expect(testedIn[group] == nil, "\(group) tested in folds \(testedIn[group]!) and \(fold)")
                testedIn[group] = fold
            }
            let n = Double(manifest.entries.count)
            #expect(abs(Double(split.indices(.test).count) / n - 1 / Double(folds)) < 0.05)
            #expect(abs(Double(split.indices(.validation).count) / n - 0.1) < 0.05)
        }
        #expect(testedIn.count == Set(manifest.entries.compactMap(\.group)).count)
    }

    /// The folds are fixed by the seed: another seed deals other folds; the same seed the same.
    @Test func theSeedFixesTheFolds() throws {
        let manifest = SyntheticManifest.make(groups: 30, seed: 5)
        func test(_ seed: UInt64) throws -> [Int] {
            try DatasetSplit(manifest, rule: SplitRule(folds: 5, fold: 2, validation: 0.1, seed: seed)).indices(.test)
        }
        #expect(try test(8) == test(8))
        #expect(try test(8) != test(9))
    }

    @Test func impossibleFoldsAreRefused() throws {
        for (folds, fold, validation) in [(1, 0, 0.1), (5, 5, 0.1), (5, -1, 0.1), (5, 0, 0.8), (5, 0, 0), (51, 0, 0.1)] {
            #expect(throws: DatasetError.self) { try SplitRule(folds: folds, fold: fold, validation: validation, seed: 0) }
        }
        let few = SyntheticManifest.make(groups: 5, seed: 1)
        #expect(throws: DatasetError.self) { try DatasetSplit(few, rule: SplitRule(folds: 5, fold: 0, validation: 0.1, seed: 0)) }
    }

    /// A rule with folds survives the round trip through the run folder's JSON.
    @Test func aFoldRuleRoundTrips() throws {
        let rule = try SplitRule(folds: 5, fold: 3, validation: 0.1, seed: 7)
        let back = try JSONDecoder().decode(SplitRule.self, from: JSONEncoder().encode(rule))
        #expect(back == rule && back.description == "by group, fold 3 of 5 as test, validation 0.1, seed 7")
    }
}
