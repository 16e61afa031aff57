import Dispatch

/// Maps 0..<count across all cores with the results in index order, so that what the
/// callers report never depends on thread timing.
public enum ParallelMap {
    /// `transform` of every index in 0..<count, in index order.
    public static func map<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.store(transform(i), at: i) }
        return slots.values()
    }

    /// One slot per index; each iteration writes only its own, so no lock is needed, and
    /// concurrentPerform returns only after every write.
    private final class Slots<T>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<T?>

        init(_ count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }

        func store(_ value: T, at index: Int) { buffer[index] = value }

        func values() -> [T] { buffer.map { $0! } }
    }
}
