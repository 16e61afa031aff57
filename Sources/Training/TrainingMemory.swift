import BiT
import Formatting
import Foundation

/// What a training step holds in memory, estimated before the first step: a batch this machine
/// cannot hold is refused naming the setting to lower, instead of an allocation abort mid-run.
public struct TrainingMemory: Sendable, Equatable {
    /// One step's images, decoded (twice with MixUp, which mixes them into a copy).
    public let batchBytes: Int
    /// One micro-batch's recorded activations, and as much again for the backward pass's gradients.
    public let activationBytes: Int
    /// Weights, their gradients, momentum and standardised kernels.
    public let parameterBytes: Int
    let batch: Int, microBatch: Int, crop: Int

    /// The three together.
    public var totalBytes: Int { batchBytes + activationBytes + parameterBytes }

    /// The estimate for `architecture` at `crop` pixels with `batch` images per step processed
    /// `microBatch` at a time.
    public init(architecture: ResNetV2Architecture, classes: Int, crop: Int, batch: Int, microBatch: Int, mixup: Bool) {
        (self.batch, self.microBatch, self.crop) = (batch, min(microBatch, batch), crop)
        let float = MemoryLayout<Float>.stride
        batchBytes = batch * crop * crop * 3 * float * (mixup ? 2 : 1)
        activationBytes = 2 * min(microBatch, batch) * architecture.tapeFloatsPerImage(input: crop) * float
        let parameters = ResNetV2<Float>.parameterShapes(architecture, classes: classes).reduce(0) { $0 + $1.shape.reduce(1, *) }
        parameterBytes = 4 * parameters * float
    }

    /// Memory this process may use: the machine's, or a cgroup's limit where one is lower.
    public static var available: Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
              let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return physical }
        return min(physical, limit)
    }

    /// Throws unless the estimate fits in `available` bytes, naming what to lower.
    public func requireFits(in available: Int) throws {
        guard totalBytes > available else { return }
        throw TrainingError("training needs about \(ByteCount.gibibytes(totalBytes)) of memory and \(ByteCount.gibibytes(available)) is available: "
            + "\(ByteCount.gibibytes(batchBytes)) for a step's \(batch) decoded images of \(crop)×\(crop) (training.batch), "
            + "\(ByteCount.gibibytes(activationBytes)) for the activations of \(microBatch) images at a time (training.micro_batch); "
            + "lower training.batch, training.micro_batch or the crop")
    }
}
