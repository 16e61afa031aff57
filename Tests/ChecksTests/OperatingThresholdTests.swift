@testable import Checks
import Foundation
import Testing
import TestSupport

/// The threshold an operating point chooses, against scikit-learn's ROC curve
/// (Fixtures/operating_point/make_operating_point_fixtures.py).
@Suite struct OperatingThresholdTests {
    struct Fixtures: Decodable {
        struct Expected: Decodable {
            let target: String
            let value: Double?
            let threshold: Double
            let truePositives: Int
            let falsePositives: Int
        }
        struct Case: Decodable {
            let name: String
            let scores: [Double]
            let labels: [Bool]
            let expected: [Expected]
        }
        let cases: [Case]

        static func load() throws -> Fixtures {
            try JSONFixture.decode(Fixtures.self, "operating_point/operating_point.json", in: Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        }
    }

    @Test func thresholdsMatchScikitLearn() throws {
        let fixtures = try Fixtures.load()
        #expect(fixtures.cases.count == 4)
        for c in fixtures.cases {
            for e in c.expected {
                let target: OperatingThreshold.Target = switch e.target {
                case "sensitivity": .sensitivity(try #require(e.value))
                case "specificity": .specificity(try #require(e.value))
                default: .youden
                }
                let chosen = try #require(try OperatingThreshold(target: target, scores: c.scores, labels: c.labels))
                #expect(chosen.threshold == e.threshold, "\(c.name) \(e.target) \(e.value ?? 0)")
                #expect(chosen.truePositives == e.truePositives && chosen.falsePositives == e.falsePositives,
                        "\(c.name) \(e.target) \(e.value ?? 0)")
                // The rates it reports are the rates of its threshold, recounted here.
                let called = zip(c.scores, c.labels).filter { $0.0 >= chosen.threshold }
                #expect(called.count { $0.1 } == chosen.truePositives && called.count { !$0.1 } == chosen.falsePositives)
                if let value = e.value {
                    #expect((e.target == "sensitivity" ? chosen.sensitivity : chosen.specificity) >= value)
                }
            }
        }
    }

    @Test func oneClassOrBadInputHasNoThreshold() throws {
        #expect(try OperatingThreshold(target: .youden, scores: [0.2, 0.9], labels: [true, true]) == nil)
        #expect(throws: StatisticsError.self) { try OperatingThreshold(target: .sensitivity(1.5), scores: [0.2, 0.9], labels: [false, true]) }
        #expect(throws: StatisticsError.self) { try OperatingThreshold(target: .youden, scores: [.nan, 0.9], labels: [false, true]) }
    }
}
