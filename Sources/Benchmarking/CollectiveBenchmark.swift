import BiT
import Collectives
import Dispatch
import Training

/// Times the trainer's gradient sum over the ranks of a job for a model's parameter count
/// (BiT-R50x1 with 2 classes: 23.5 M values, 94 MB a step).
public enum CollectiveBenchmark {
    /// What one measurement found.
    public struct Result: Sendable {
        public let ranks: Int
        public let values: Int
        /// Median seconds of one gradient sum.
        public let seconds: Double
        /// Bytes a rank sends and receives per sum with a bandwidth-optimal allreduce,
        /// 2(N−1)/N of the gradient's bytes, divided by the time: the bus bandwidth.
        public var busGigabytesPerSecond: Double {
            Double(values * 4) * 2 * Double(ranks - 1) / Double(ranks) / seconds / 1e9
        }
    }

    /// Median over `iterations` gradient sums (after one warm-up) of `architecture`'s gradients.
    public static func run(_ architecture: ResNetV2Architecture, classes: Int = 2, iterations: Int,
                           group: ProcessGroup = World.group) throws -> Result {
        var gradients = ParameterSet<Float>()
        var rng = SeededRandom(seed: UInt64(group.rank), stream: 17)
        for (name, shape) in ResNetV2<Float>.parameterShapes(architecture, classes: classes) {
            let t = Tensor<Float>(zeros: shape)
            for i in 0..<t.count { t.pointer[i] = Float(rng.nextUnit()) - 0.5 }
            gradients.set(t, for: name)
        }
        var times: [Double] = []
        for i in 0...iterations {
            group.setPhase("allreduce benchmark \(i)")
            let started = DispatchTime.now().uptimeNanoseconds
            try GradientSum.sum(gradients, architecture: architecture, group: group)
            if i > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
        }
        // Rank 0's median, agreed by every rank so that all print the same.
        let median = times.sorted()[times.count / 2]
        let agreed = try group.sum([group.rank == 0 ? median : 0], what: "benchmark result")[0]
        return Result(ranks: group.size, values: gradients.scalarCount, seconds: agreed)
    }
}
