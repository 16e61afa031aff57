import Dispatch
import Testing
@testable import BiT

/// Results written by concurrent workers at distinct indices are all kept.
struct SlotsTests {
    @Test func concurrentWritesAreAllKept() {
        // Short bodies make the workers' writes collide often; an Array moved out of the
        // property during a write lost one of two colliding results.
        for round in 0..<2_000 {
            let slots = Slots<Int>(8)
            DispatchQueue.concurrentPerform(iterations: 8) { i in slots[i] = round * 8 + i }
            #expect(slots.values == (0..<8).map { round * 8 + $0 })
        }
    }
}
