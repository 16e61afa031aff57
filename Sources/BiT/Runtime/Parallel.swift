import Dispatch

/// Runs independent pieces of work on several cores.
///
/// The engine parallelises at one level only: the batch is split across workers that each
/// run single-threaded BLAS, which measured faster on two cores than OpenBLAS's own threads
/// (two threads inside each worker oversubscribe the cores).
public enum Parallel {
    /// Calls `body(i)` for i in 0..<count, concurrently when count > 1.
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// Calls `body(i)` for i in 0..<count on a team of `count` threads that stay awake
    /// between calls (`WorkerTeam`): for the many short ops of a single image, where waking
    /// a Dispatch worker for each would cost more than the op.
    public static func share(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { WorkerTeam.shared(size: count).run(count, $0) }
    }

    /// Calls `body(i)` for i in 0..<count on at most `workers` threads, worker w taking
    /// i = w, w + workers, ... (interleaved, so items that grow along the network balance).
    public static func forEach(_ count: Int, workers: Int, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, min(workers, count))
        forEach(workers) { w in
            for i in stride(from: w, to: count, by: workers) { body(i) }
        }
    }

    /// Contiguous sub-ranges of 0..<total, one per worker, as equal as possible.
    public static func split(_ total: Int, into parts: Int) -> [Range<Int>] {
        let parts = max(1, min(parts, total))
        return (0..<parts).map { i in (total * i / parts)..<(total * (i + 1) / parts) }
    }
}
