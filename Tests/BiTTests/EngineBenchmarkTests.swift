import Testing
@testable import BiT

@Suite struct EngineBenchmarkTests {
    @Test func everyIterationCoversAtLeast32Images() {
        #expect([1, 5, 31, 32, 33, 64].map { EngineBenchmark.callsPerIteration(batch: $0) } == [32, 7, 2, 1, 1, 1])
    }

    @Test func aMeasurementTimesEachIterationOverItsCalls() throws {
        let setup = EngineBenchmark.Setup(architecture: try ResNetV2Architecture(named: "R14x0.125"), resolution: 32, threads: 2)
        let model = EngineBenchmark.model(setup)
        var lines: [String] = []
        for (task, batch) in [(EngineBenchmark.Task.inference, 1), (.inference, 5), (.training, 3)] {
            lines.removeAll()
            let m = EngineBenchmark.measure(task, batch: batch, model: model, setup: setup, iterations: 2) { lines.append($0) }
            #expect(m.imagesPerIteration == batch * EngineBenchmark.callsPerIteration(batch: batch))
            #expect(m.imagesPerIteration >= EngineBenchmark.imagesPerIteration)
            #expect(m.iterations.count == 2 && lines.count == 2)
            #expect(m.iterations.allSatisfy { $0.isFinite && $0 > 0 })
            #expect(m.imagesPerSecond == EngineBenchmark.median(m.iterations))
        }
    }
}
