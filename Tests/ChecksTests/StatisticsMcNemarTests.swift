import Testing
import Checks

@Suite("Statistics: McNemar's test")
struct StatisticsMcNemarTests {
    @Test("p-values match scipy's binomtest (b + c ≤ 25) and χ²/normal tails above")
    func matchesScipy() throws {
        for reference in try StatisticsFixtures.load().mcnemar {
            let test = try McNemar(onlyACorrect: reference.b, onlyBCorrect: reference.c)
            let name = "b = \(reference.b), c = \(reference.c)"
            #expect((test.method == .exactBinomial) == reference.exact, "\(name)")
            #expect(statisticsClose(test.pValue(), reference.twoSided, absolute: 0), "\(name) two-sided")
            #expect(statisticsClose(test.pValue(.aBetter), reference.aBetter, absolute: 0), "\(name) A better")
            #expect(statisticsClose(test.pValue(.bBetter), reference.bBetter, absolute: 0), "\(name) B better")
        }
    }

    @Test("counts from predictions, statistic and method switch")
    func countsAndStatistic() throws {
        let labels = ["a", "b", "a", "b", "a", "b"]
        let first = ["a", "b", "b", "b", "a", "a"]
        let second = ["a", "a", "a", "a", "b", "a"]
        let test = try McNemar(labels: labels, predictionsA: first, predictionsB: second)
        #expect(test.onlyACorrect == 3 && test.onlyBCorrect == 1 && test.discordant == 4)
        #expect(try McNemar(onlyACorrect: 0, onlyBCorrect: 0).chiSquare == nil)
        #expect(try McNemar(onlyACorrect: 0, onlyBCorrect: 0).pValue() == 1)
        #expect(try McNemar(onlyACorrect: 20, onlyBCorrect: 5).method == .exactBinomial)
        #expect(try McNemar(onlyACorrect: 20, onlyBCorrect: 6).method == .continuityCorrectedChiSquare)
        #expect(try #require(try McNemar(onlyACorrect: 20, onlyBCorrect: 10).chiSquare) == 81.0 / 30)
        #expect(try McNemar(onlyACorrect: 30, onlyBCorrect: 30).chiSquare == 0)
        #expect(try McNemar(onlyACorrect: 30, onlyBCorrect: 30).pValue() == 1)
    }
}
