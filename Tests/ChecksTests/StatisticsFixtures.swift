import Foundation
import TestSupport

/// The reference values in Fixtures/statistics/statistics.json, written by make_statistics_fixtures.py.
struct StatisticsFixtures: Decodable {
    struct Normal: Decodable {
        struct Quantile: Decodable { let p: Double; let x: Double }
        struct CDF: Decodable { let x: Double; let cdf: Double; let sf: Double }
        let quantile: [Quantile]
        let cdf: [CDF]
    }

    struct Wilson: Decodable { let k: Int; let n: Int; let confidence: Double; let lower: Double; let upper: Double }

    struct Binary: Decodable {
        let name: String
        let labels: [Int]
        let predictions: [Int]
        let positive: Int
        let tp: Int, fp: Int, tn: Int, fn: Int
        let accuracy: Double?
        let precision: Double?
        let recall: Double?
        let specificity: Double?
        let f1: Double?
        let balancedAccuracy: Double?
    }

    struct Multiclass: Decodable {
        let name: String
        let classes: Int
        let labels: [Int]
        let predictions: [Int]
        let counts: [[Int]]
        let accuracy: Double
        let precision: [Double?]
        let recall: [Double?]
        let f1: [Double?]
        let macroPrecision: Double?
        let macroRecall: Double?
        let macroF1: Double?
    }

    struct Curves: Decodable {
        struct ROC: Decodable {
            let fpr: [Double]
            let tpr: [Double]
            /// Without scikit-learn's leading +∞.
            let thresholds: [Double]
            let auc: Double
            let mannWhitneyAuc: Double
        }
        struct PR: Decodable {
            let precision: [Double]
            let recall: [Double]
            let thresholds: [Double]
            let averagePrecision: Double
        }
        let name: String
        let scores: [Double]
        let labels: [Bool]
        let roc: ROC?
        let pr: PR?
    }

    struct DeLong: Decodable {
        let name: String
        let scores: [Double]
        let labels: [Bool]
        let auc: Double
        let variance: Double
        let confidence: Double
        let lower: Double
        let upper: Double
    }

    struct DeLongPaired: Decodable {
        let name: String
        let scoresA: [Double]
        let scoresB: [Double]
        let labels: [Bool]
        let aucA: Double
        let aucB: Double
        let variance: Double
        let z: Double
        let p: Double
    }

    struct Bootstrap: Decodable {
        let scores: [Double]
        let labels: [Bool]
        let seed: UInt64
        let replicates: Int
        let confidence: Double
        let estimate: Double
        let lower: Double
        let upper: Double
    }

    struct McNemar: Decodable {
        let b: Int
        let c: Int
        let twoSided: Double
        let aBetter: Double
        let bBetter: Double
        let exact: Bool
    }

    struct Calibration: Decodable {
        struct Bin: Decodable { let count: Int; let confidence: Double?; let accuracy: Double? }
        let name: String
        let confidences: [Double]
        let correct: [Bool]
        let probabilities: [[Double]]?
        let labels: [Int]?
        let bins: [Bin]
        let ece: Double
    }

    let normal: Normal
    let wilson: [Wilson]
    let binary: [Binary]
    let multiclass: [Multiclass]
    let curves: [Curves]
    let delong: [DeLong]
    let delongPaired: [DeLongPaired]
    let bootstrap: Bootstrap
    let mcnemar: [McNemar]
    let calibration: [Calibration]

    static func load() throws -> StatisticsFixtures {
        try JSONFixture.decode(StatisticsFixtures.self, "statistics/statistics.json", in: Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }
}

/// |actual − expected| ≤ max(absolute, relative·|expected|); nil only matches nil.
func statisticsClose(_ actual: Double?, _ expected: Double?, relative: Double = 1e-12,
                     absolute: Double = 1e-14) -> Bool {
    switch (actual, expected) {
    case (nil, nil): return true
    case let (actual?, expected?):
        if actual == expected { return true }
        return abs(actual - expected) <= max(absolute, relative * abs(expected))
    default: return false
    }
}
