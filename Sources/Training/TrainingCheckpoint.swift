import BiT
import FileFormats
import Foundation

/// Everything a killed run needs to continue as if it had never stopped, in one npz written
/// atomically: weights, SGD velocity, the best weights so far and the loop's state. Data order,
/// augmentation and MixUp are functions of (seed, step), so the step number restores them.
public struct TrainingCheckpoint: Sendable {
    /// The loop's position and early-stopping record.
    public struct State: Codable, Sendable, Equatable {
        /// Steps completed; the next step to run.
        public var step: Int
        public var earlyStopping: EarlyStopping
        /// Why training ended, once it has.
        public var finished: String?
        /// The options the run was started with, to refuse resuming with different ones.
        public var options: TrainingOptions
    }

    public var parameters: ParameterSet<Float>
    public var velocity: ParameterSet<Float>
    public var best: ParameterSet<Float>?
    public var state: State
    public var metadata: ModelMetadata

    static let stateKey = "modelcheck/training-state"

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        var archive = NpzArchive()
        func add(_ set: ParameterSet<Float>, prefix: String) {
            for name in set.names {
                let t = set.tensor(name)
                archive.set(NpyArray(shape: t.shape, floats: t.array), forKey: prefix + name)
            }
        }
        add(parameters, prefix: "")
        add(velocity, prefix: "velocity/")
        if let best { add(best, prefix: "best/") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        archive.set(NpyArray(bytes: Array(try encoder.encode(metadata))), forKey: BiTCheckpoint.metadataKey)
        archive.set(NpyArray(bytes: Array(try encoder.encode(state))), forKey: Self.stateKey)
        try archive.write(to: url)
    }

    /// Reads a checkpoint written by `write`.
    public static func read(from url: URL) throws -> TrainingCheckpoint {
        let archive = try NpzArchive.read(contentsOf: url)
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let member = archive[key] else {
                throw CheckpointError(.missingKey, path: url.path, key: key, message: "not a modelcheck training checkpoint")
            }
            do { return try JSONDecoder().decode(type, from: Data(try member.byteValues())) } catch {
                throw CheckpointError(.badMetadata, path: url.path, key: key, message: "\(error)")
            }
        }
        var parameters = ParameterSet<Float>(), velocity = ParameterSet<Float>(), best = ParameterSet<Float>()
        for key in archive.keys where !key.hasPrefix("modelcheck/") {
            let array = archive[key]!
            let tensor = Tensor<Float>(shape: array.shape, values: try array.floatValues())
            if key.hasPrefix("velocity/") { velocity.set(tensor, for: String(key.dropFirst("velocity/".count))) }
            else if key.hasPrefix("best/") { best.set(tensor, for: String(key.dropFirst("best/".count))) }
            else { parameters.set(tensor, for: key) }
        }
        return TrainingCheckpoint(parameters: parameters, velocity: velocity, best: best.names.isEmpty ? nil : best,
                                  state: try decode(State.self, stateKey), metadata: try decode(ModelMetadata.self, BiTCheckpoint.metadataKey))
    }
}
