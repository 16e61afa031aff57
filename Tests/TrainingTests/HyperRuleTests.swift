import Testing
@testable import Training

@Suite struct HyperRuleTests {
    @Test func scheduleByDatasetSizeIsTheReferenceTable() {
        let small = HyperRule.forDataset(examples: 19_999)
        #expect(small.totalSteps == 500 && small.warmupSteps == 100 && small.decaySteps == [200, 300, 400] && small.mixupAlpha == 0)
        let medium = HyperRule.forDataset(examples: 20_000)
        #expect(medium.totalSteps == 10_000 && medium.warmupSteps == 500 && medium.decaySteps == [3_000, 6_000, 9_000] && medium.mixupAlpha == 0.1)
        let large = HyperRule.forDataset(examples: 500_000)
        #expect(large.totalSteps == 20_000 && large.decaySteps == [6_000, 12_000, 18_000] && large.mixupAlpha == 0.1)
        #expect(small.batchSize == 512 && small.baseLearningRate == 0.003 && small.momentum == 0.9)
    }

    @Test func learningRateAtEachPhase() {
        let r = HyperRule.forDataset(examples: 1000)
        let expected: [(Int, Double)] = [(0, 0), (50, 0.0015), (99, 0.00297), (100, 0.003), (200, 0.003),
                                         (201, 0.0003), (300, 0.0003), (301, 0.00003), (401, 0.000003), (499, 0.000003)]
        for (t, lr) in expected { #expect(abs(r.learningRate(at: t) - lr) < 1e-12, "step \(t)") }
    }

    @Test func impossibleValuesAreNamed() {
        var r = HyperRule.forDataset(examples: 10)
        r.warmupSteps = 600
        r.decaySteps = [300, 200]
        r.momentum = 1
        #expect(r.problems.count == 3)
    }
}

@Suite struct EarlyStoppingTests {
    @Test func stopsAfterPatienceEvaluationsWithoutImprovement() {
        var e = EarlyStopping(patience: 2)
        // Equal is not better; patience counts evaluations since the best.
        let improved = [(1.0, 10), (1.0, 20), (0.5, 30), (0.6, 40)].map { e.record(loss: $0.0, step: $0.1) }
        #expect(improved == [true, false, true, false])
        #expect(!e.shouldStop)
        _ = e.record(loss: 0.7, step: 50)
        #expect(e.shouldStop && e.bestStep == 30 && e.bestLoss == 0.5)
        var never = EarlyStopping(patience: nil)
        for i in 0..<20 { _ = never.record(loss: Double(i), step: i) }
        #expect(!never.shouldStop)
    }
}
