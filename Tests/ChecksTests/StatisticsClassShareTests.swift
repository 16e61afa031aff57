@testable import Checks
import Testing

/// The permutation test of predicted-class shares.
struct StatisticsClassShareTests {
    @Test func equalSharesGiveNoDifferenceAndPOne() throws {
        let t = try ClassShareDifference([0, 1, 0, 1], [1, 0, 1, 0, 1, 0], classes: 2, permutations: 200, seed: 1)
        #expect(t.largest == 0 && t.pValue == 1 && t.firstShares == [0.5, 0.5] && t.secondShares == [0.5, 0.5])
    }

    @Test func oneClassAgainstAMixIsSignificant() throws {
        let t = try ClassShareDifference(Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50), Array(repeating: 2, count: 40),
                                         classes: 3, permutations: 999, seed: 3)
        #expect(t.largest == 1 && t.largestClass == 2 && t.pValue == 0.001)
        // The same seed gives the same p-value; another may differ only in the permutations' tail.
        #expect(try ClassShareDifference([0, 0, 1], [1, 1, 0, 1], classes: 2, seed: 5)
                    == ClassShareDifference([0, 0, 1], [1, 1, 0, 1], classes: 2, seed: 5))
    }

    @Test func badInputThrows() {
        #expect(throws: StatisticsError.self) { try ClassShareDifference([], [0], classes: 2, seed: 0) }
        #expect(throws: StatisticsError.self) { try ClassShareDifference([0, 2], [0], classes: 2, seed: 0) }
        #expect(throws: StatisticsError.self) { try ClassShareDifference([0], [1], classes: 2, permutations: 0, seed: 0) }
    }
}
