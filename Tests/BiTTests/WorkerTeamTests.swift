import Testing
@testable import BiT

@Suite struct WorkerTeamTests {
    /// Counters that concurrent parts bump at distinct indices.
    final class Counts: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) {
            (self.count, pointer) = (count, .allocate(capacity: count))
            pointer.initialize(repeating: 0, count: count)
        }
        deinit { pointer.deallocate() }
        var values: [Int] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    }

    @Test func everyPartRunsExactlyOnceCallAfterCall() {
        let team = WorkerTeam.shared(size: 3)
        let counts = Counts(3)
        for round in 0..<2000 {
            // Fewer parts than members too: the idle member must not run a part.
            team.run(round % 2 == 0 ? 3 : 2) { counts.pointer[$0] += 1 }
        }
        #expect(counts.values == [2000, 2000, 1000])
    }

    @Test func aCallFromInsideAJobRunsInsteadOfWaitingForItself() {
        let counts = Counts(4)
        Parallel.share(2) { outer in
            Parallel.share(2) { inner in counts.pointer[outer * 2 + inner] += 1 }
        }
        #expect(counts.values == [1, 1, 1, 1])
    }

    @Test func membersSleepWhenIdleAndWakeForTheNextJob() async throws {
        let counts = Counts(2)
        Parallel.share(2) { counts.pointer[$0] += 1 }
        try await Task.sleep(nanoseconds: UInt64(WorkerTeam.spinSeconds * 20 * 1e9))
        Parallel.share(2) { counts.pointer[$0] += 1 }
        #expect(counts.values == [2, 2])
    }
}
