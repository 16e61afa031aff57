import BiT
import FileFormats
import Foundation

/// Everything a killed run needs to continue as if it had never stopped, in one npz written
/// atomically: weights, SGD velocity, the best weights so far, the weights' moving average and the loop's state. Data order,
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
    /// The weights' exponential moving average, when the run keeps one.
    public var average: ParameterSet<Float>?
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
        if let average { add(average, prefix: "average/") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        archive.set(NpyArray(bytes: Array(try encoder.encode(metadata))), forKey: BiTCheckpoint.metadataKey)
        archive.set(NpyArray(bytes: Array(try encoder.encode(state))), forKey: Self.stateKey)
        try archive.write(to: url)
    }

    /// Reads a checkpoint written by `write` for a model with parameters `shapes`. Every member's key and shape is
    /// checked from its npy header before any member is inflated, so a file the model cannot hold costs no memory.
    public static func read(from url: URL, expecting shapes: [(name: String, shape: [Int])]) throws -> TrainingCheckpoint {
        let npz = try NpzReader(contentsOf: url)
        var expected: [String: [Int]] = [:]
        for (name, shape) in shapes {
            for prefix in ["", "velocity/", "best/", "average/"] { expected[prefix + name] = shape }
        }
        func requireFits(_ header: NpyHeader, _ key: String) throws {
            guard let shape = expected[key] else {
                throw CheckpointError(.unexpectedKey, path: url.path, key: key, message: "not a parameter of the run's model")
            }
            guard header.shape == shape, header.dtype != .bool else {
                throw CheckpointError(.shapeMismatch, path: url.path, key: key,
                                      message: "\(header.dtype.rawValue) array of shape \(header.shape), expected floating-point \(shape) for the run's model")
            }
        }
        let arrayKeys = npz.keys.filter { !$0.hasPrefix("modelcheck/") }
        for key in arrayKeys {
            if let header = try npz.header(key) { try requireFits(header, key) }
        }
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let value = try BiTCheckpoint.jsonMember(type, key, in: npz) else {
                throw CheckpointError(.missingKey, path: url.path, key: key, message: "not a modelcheck training checkpoint")
            }
            return value
        }
        let state = try decode(State.self, stateKey)
        let metadata = try decode(ModelMetadata.self, BiTCheckpoint.metadataKey)
        var parameters = ParameterSet<Float>(), velocity = ParameterSet<Float>(), best = ParameterSet<Float>(), average = ParameterSet<Float>()
        for key in arrayKeys {
            guard let array = try npz.array(key, accept: { try requireFits($0, key) }) else { continue }
            let tensor = Tensor<Float>(shape: array.shape, values: try array.floatValues())
            if key.hasPrefix("velocity/") { velocity.set(tensor, for: String(key.dropFirst("velocity/".count))) }
            else if key.hasPrefix("best/") { best.set(tensor, for: String(key.dropFirst("best/".count))) }
            else if key.hasPrefix("average/") { average.set(tensor, for: String(key.dropFirst("average/".count))) }
            else { parameters.set(tensor, for: key) }
        }
        return TrainingCheckpoint(parameters: parameters, velocity: velocity, best: best.names.isEmpty ? nil : best,
                                  average: average.names.isEmpty ? nil : average, state: state, metadata: metadata)
    }
}
