import Collectives

/// One pass over an evaluation loader spread over the ranks of a job: each rank runs its
/// contiguous share of the batches (the same batches one process would run, so every value is
/// bit for bit what one process computes), and every rank gets every batch's outputs in order.
enum ShardedPass {
    /// `body` maps a batch to `streams` arrays of floats; returns each stream over all batches.
    static func run(_ loader: BatchLoader, streams: Int, group: ProcessGroup, what: String,
                    _ body: (Batch) throws -> [[Float]]) throws -> [[Float]] {
        var mine = Array(repeating: [Float](), count: streams)
        for step in group.share(of: loader.batchesPerEpoch) {
            let outputs = try body(try loader.batch(step))
            for s in 0..<streams { mine[s] += outputs[s] }
        }
        guard group.size > 1 else { return mine }
        return try mine.map { try group.allgather($0, what: what).flatMap { $0 } }
    }
}
