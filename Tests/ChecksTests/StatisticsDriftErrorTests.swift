import Testing
import Checks

@Suite("Statistics: drift tests reject bad input with errors")
struct StatisticsDriftErrorTests {
    private func message<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as StatisticsError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("empty and non-finite samples")
    func badSamples() {
        #expect(message { try KolmogorovSmirnov([], [1]) } == "the first sample is empty")
        #expect(message { try KolmogorovSmirnov([1], [.nan, 2]) }
                == "the second sample must be finite (1 of 2 values are NaN or infinite)")
        #expect(message { try Wasserstein([1, .infinity], [1], seed: 1) }
                == "the first sample must be finite (1 of 2 values are NaN or infinite)")
        #expect(message { try StandardizedMeanDifference.cohensD([1], []) } == "the second sample is empty")
        #expect(message { try Wasserstein([1], [2], permutations: 0, seed: 1) } == "need at least one permutation, got 0")
    }

    @Test("MMD: too few vectors, ragged or empty vectors, non-finite entries, bad bandwidths")
    func badVectors() {
        let two: [[Double]] = [[0, 1], [1, 0]]
        #expect(message { try MaximumMeanDiscrepancy([[0.0, 1]], two, seed: 1) }
                == "MMD needs at least two vectors in each sample, got 1 and 2")
        #expect(message { try MaximumMeanDiscrepancy(two, [[0.0, 1], [1]], seed: 1) }
                == "all vectors must have the first one's 2 entries (1 do not)")
        #expect(message { try MaximumMeanDiscrepancy([[Double](), []], two, seed: 1) } == "vectors must not be empty")
        #expect(message { try MaximumMeanDiscrepancy(two, [[0.0, .nan], [1, 1]], seed: 1) }
                == "vectors must be finite (1 entries are NaN or infinite)")
        #expect(message { try MaximumMeanDiscrepancy(two, two, permutations: 0, seed: 1) } == "need at least one permutation, got 0")
        #expect(message { try MaximumMeanDiscrepancy(two, two, seed: 1, bandwidth: 0) } == "bandwidth must be positive, got 0.0")
        let same: [[Double]] = [[1, 1], [1, 1], [1, 1]]
        #expect(message { try MaximumMeanDiscrepancy(same, same + [[2, 2]], seed: 1) }?.hasPrefix("the median distance between vectors is 0") == true)
    }
}
