import BiT
import Collectives
import Foundation

/// Sums a step's gradients over the ranks of a data-parallel job while the backward pass is
/// still running. Parameters go in buckets of whole backward stages (at least 4 M values, 16 MB,
/// or the rest), from the head back to the stem; as soon as the backward pass has completed a
/// bucket's stages (`stageReady`), the bucket is copied into one buffer and its sum starts, and
/// every later stage lets the sums on the wire move on. `finish()` waits for the rest and puts
/// the sums back into the gradient tensors.
public final class GradientSum: @unchecked Sendable {
    static let bucketScalars = 1 << 22

    private let group: ProcessGroup
    private let stages: [[String]]
    /// The stages of each bucket, consecutive.
    private let buckets: [Range<Int>]
    private var tensors: [[Tensor<Float>]]
    private var buffers: [UnsafeMutableBufferPointer<Float>] = []
    /// The first collective error; stages run on the backward pass's threads, which cannot throw.
    private var failure: Error?

    /// A sum over `group` of the gradients of the parameters in `stages` (sized as in `parameters`).
    public init(stages: [[String]], sizedAs parameters: ParameterSet<Float>, group: ProcessGroup) {
        (self.group, self.stages) = (group, stages)
        var buckets: [Range<Int>] = []
        var start = 0, filled = 0
        for (s, names) in stages.enumerated() {
            filled += names.reduce(0) { $0 + parameters.tensor($1).count }
            if filled >= Self.bucketScalars || s == stages.count - 1 {
                buckets.append(start..<(s + 1))
                (start, filled) = (s + 1, 0)
            }
        }
        self.buckets = buckets
        tensors = Array(repeating: [], count: buckets.count)
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// Stage `stage`'s gradients are final in `gradients`; stages come in order, one call at a time.
    public func stageReady(_ stage: Int, _ gradients: ParameterSet<Float>) {
        guard failure == nil, let b = buckets.firstIndex(where: { $0.contains(stage) }) else { return }
        tensors[b] += stages[stage].map { gradients.tensor($0) }
        do {
            if stage == buckets[b].upperBound - 1 {
                let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: tensors[b].reduce(0) { $0 + $1.count })
                buffers.append(buffer)
                var offset = 0
                for t in tensors[b] {
                    (buffer.baseAddress! + offset).update(from: t.pointer, count: t.count)
                    offset += t.count
                }
                try group.startSum(buffer, what: "gradient sum")
            } else {
                try group.progress()
            }
        } catch {
            failure = error
        }
    }

    /// Waits for every bucket's sum and writes it back into the gradients.
    public func finish() throws {
        if let failure { throw failure }
        try group.finishSums()
        for (bucket, buffer) in zip(tensors, buffers) {
            var offset = 0
            for t in bucket {
                t.pointer.update(from: buffer.baseAddress! + offset, count: t.count)
                offset += t.count
            }
        }
    }

    /// Sums a whole set of a model's gradients at once (what the allreduce benchmark times).
    public static func sum(_ gradients: ParameterSet<Float>, architecture: ResNetV2Architecture, group: ProcessGroup) throws {
        let stages = ResNetV2<Float>.backwardStages(architecture)
        let sum = GradientSum(stages: stages, sizedAs: gradients, group: group)
        for s in stages.indices { sum.stageReady(s, gradients) }
        try sum.finish()
    }
}
