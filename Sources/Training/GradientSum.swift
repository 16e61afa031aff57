import BiT
import Collectives

/// Sums a step's gradients over the ranks of a data-parallel job. Tensors go in buckets of
/// about 4 M values (16 MB), from the head back to the stem (the order the backward pass
/// finishes them); a bucket is copied into one buffer while the buckets before it are already
/// on the wire.
public enum GradientSum {
    static let bucketScalars = 1 << 22

    /// Replaces each gradient with its sum over every rank (the same bits on every rank).
    public static func sum(_ gradients: ParameterSet<Float>, group: ProcessGroup) throws {
        var buckets: [[Tensor<Float>]] = [[]]
        var filled = 0
        for name in gradients.names.reversed() {
            if filled >= bucketScalars { buckets.append([]); filled = 0 }
            let t = gradients.tensor(name)
            buckets[buckets.count - 1].append(t)
            filled += t.count
        }
        var buffers: [UnsafeMutableBufferPointer<Float>] = []
        defer { buffers.forEach { $0.deallocate() } }
        for bucket in buckets {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: bucket.reduce(0) { $0 + $1.count })
            buffers.append(buffer)
            var offset = 0
            for t in bucket {
                (buffer.baseAddress! + offset).update(from: t.pointer, count: t.count)
                offset += t.count
            }
            try group.startSum(buffer, what: "gradient sum")
            try group.progress()
        }
        try group.finishSums()
        for (bucket, buffer) in zip(buckets, buffers) {
            var offset = 0
            for t in bucket {
                t.pointer.update(from: buffer.baseAddress! + offset, count: t.count)
                offset += t.count
            }
        }
    }

    /// A 64-bit FNV-1a hash of every weight's bits, in checkpoint order: ranks compare it to
    /// prove they hold identical weights.
    static func fingerprint(_ parameters: ParameterSet<Float>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in parameters.names {
            let t = parameters.tensor(name)
            for i in 0..<t.count {
                hash = (hash ^ UInt64(t.pointer[i].bitPattern)) &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }
}
