import FileFormats
import Foundation

/// What a trained model carries besides its weights: class names and preprocessing.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// The input value range the weights expect.
    public enum ValueRange: String, Codable, Sendable, CaseIterable {
        /// x / 127.5 − 1: the official BiT checkpoints.
        case minusOneToOne = "[-1, 1]"
        /// x / 255: the TF-Hub modules and the malaria tutorial.
        case zeroToOne = "[0, 1]"
    }

    /// Architecture name, e.g. "R50x1".
    public var architecture: String
    /// One name per output, in logit order.
    public var classNames: [String]
    /// Square side images are resized to at evaluation, in pixels.
    public var resolution: Int
    /// Input value range.
    public var valueRange: ValueRange
    /// The decision threshold an operating point chose: `positiveClass` is predicted when its
    /// probability is at least this (two classes); nil leaves the arg-max.
    public var threshold: Double?
    /// The class whose probability `threshold` applies to.
    public var positiveClass: String?
    /// Calibration temperature T: probabilities are softmax(logits / T). Nil (and absent from older files) means 1.
    public var temperature: Double?
    /// Test-time augmentation the outputs are averaged over; nil (and absent from older files) for none.
    public var testTimeAugmentation: TestTimeAugmentation?

    /// Inputs a model's outputs are averaged over at inference.
    public enum TestTimeAugmentation: String, Codable, Sendable, CaseIterable {
        /// The 8 symmetries of the square (rotations by 90° and mirrors): 8 passes per image.
        case symmetries
    }

    /// Metadata with every field given.
    public init(architecture: String, classNames: [String], resolution: Int, valueRange: ValueRange, temperature: Double? = nil) {
        self.architecture = architecture
        self.classNames = classNames
        self.resolution = resolution
        self.valueRange = valueRange
        self.temperature = temperature
    }
}

/// Reads and writes BiT models as official `.npz` checkpoints.
///
/// Weights use the released key names and HWIO layout, so the official PyTorch, TF2 and JAX
/// loaders read modelcheck's files. The metadata travels in one extra member,
/// `modelcheck/metadata` (UTF-8 JSON as a uint8 array), which those loaders never ask for.
public enum BiTCheckpoint {
    /// Key of the metadata member.
    public static let metadataKey = "modelcheck/metadata"

    /// Evaluation resolution assumed for checkpoints without metadata (BiT-HyperRule, small images).
    public static let defaultResolution = 128

    /// The largest head a checkpoint may declare: ImageNet-21k, the largest BiT head, has 21 843 classes. Without a
    /// bound, a small file could declare a head of gigabytes that still matches its own architecture.
    public static let maxClasses = 100_000

    /// Class names are a few bytes each; a larger metadata member is not one this engine wrote.
    static let maxMetadataBytes = 16 << 20

    /// Loads a model. The architecture is inferred from the keys; `classes`, when given and
    /// different from the checkpoint's head, replaces the head with a zero-initialised one
    /// (and numbers the classes). A checkpoint without metadata gets numbered classes and [-1, 1].
    /// Every key, shape and dtype is checked from the npy headers before any weights are inflated.
    /// Throws `FileFormatError` for a damaged file, `CheckpointError` for one that is not a usable checkpoint.
    public static func load(_ url: URL, classes requested: Int? = nil) throws -> (model: ResNetV2<Float>, metadata: ModelMetadata) {
        let npz = try NpzReader(contentsOf: url)
        let path = url.path
        let architecture = try inferArchitecture(npz, path: path)
        let headBiasKey = ResNetV2<Float>.headBias
        guard let headBias = try npz.header(headBiasKey) else {
            throw CheckpointError(.missingKey, path: path, key: headBiasKey, message: "the checkpoint has no head bias")
        }
        guard headBias.shape.count == 1, (1...maxClasses).contains(headBias.shape[0]) else {
            throw CheckpointError(.shapeMismatch, path: path, key: headBiasKey,
                                  message: "shape \(headBias.shape), expected (classes,) with 1 to \(maxClasses) classes")
        }
        let classes = headBias.shape[0]

        let expected = ResNetV2<Float>.parameterShapes(architecture, classes: classes)
        let known = Set(expected.map(\.name))
        if let extra = npz.keys.first(where: { !known.contains($0) && !$0.hasPrefix("modelcheck/") }) {
            throw CheckpointError(.unexpectedKey, path: path, key: extra,
                                  message: "not part of \(architecture) (\(expected.count) keys expected)")
        }
        func missing(_ name: String, _ shape: [Int]) -> CheckpointError {
            CheckpointError(.missingKey, path: path, key: name, message: "missing for \(architecture) (expected shape \(shape))")
        }
        func requireFits(_ header: NpyHeader, _ name: String, _ shape: [Int]) throws {
            guard header.shape == shape else {
                throw CheckpointError(.shapeMismatch, path: path, key: name,
                                      message: "shape \(header.shape), expected \(shape) for \(architecture)")
            }
            guard header.dtype != .bool else {
                throw CheckpointError(.shapeMismatch, path: path, key: name, message: "dtype bool, expected floating-point weights")
            }
        }
        // All headers first: a member the architecture cannot hold is refused before any member is inflated.
        for (name, shape) in expected {
            guard let header = try npz.header(name) else { throw missing(name, shape) }
            try requireFits(header, name, shape)
        }
        var params = ParameterSet<Float>()
        for (name, shape) in expected {
            guard let array = try npz.array(name, accept: { try requireFits($0, name, shape) }) else { throw missing(name, shape) }
            params.set(Tensor(shape: shape, values: try array.floatValues()), for: name)
        }
        var model = try ResNetV2(architecture: architecture, classes: classes, parameters: params)

        var metadata = ModelMetadata(architecture: architecture.description, classNames: (0..<classes).map { "class \($0)" },
                                     resolution: defaultResolution, valueRange: .minusOneToOne)
        if let stored = try jsonMember(ModelMetadata.self, metadataKey, in: npz) {
            metadata = stored
            guard Set(metadata.classNames).count == metadata.classNames.count else {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey, message: "class names repeat: \(metadata.classNames)")
            }
            guard metadata.classNames.count == classes else {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey,
                                      message: "\(metadata.classNames.count) class names for a \(classes)-way head")
            }
            if let threshold = metadata.threshold {
                guard threshold.isFinite, classes == 2, let positive = metadata.positiveClass, metadata.classNames.contains(positive) else {
                    throw CheckpointError(.badMetadata, path: path, key: metadataKey,
                                          message: "threshold \(threshold) on class \(metadata.positiveClass ?? "(none)") cannot decide between "
                                              + "\(metadata.classNames); a threshold needs a finite value, two classes and one of them named")
                }
            }
            if let t = metadata.temperature, !(t.isFinite && t > 0) {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey, message: "temperature \(t), expected a finite number > 0")
            }
        }
        if let requested, requested != classes {
            model = model.replacingHead(classes: requested)
            metadata.classNames = (0..<requested).map { "class \($0)" }
            // A new head has no operating point yet.
            (metadata.threshold, metadata.positiveClass) = (nil, nil)
            // A temperature fitted to the old head's logits says nothing about a new one.
            metadata.temperature = nil
        }
        model.averagesSymmetries = metadata.testTimeAugmentation == .symmetries
        return (model, metadata)
    }

    /// Decodes the UTF-8 JSON stored as uint8 member `key`, nil when there is none. A member that is not a modest
    /// uint8 array is refused from its header, before it is inflated.
    public static func jsonMember<T: Decodable>(_ type: T.Type, _ key: String, in npz: NpzReader) throws -> T? {
        let member = try npz.array(key) { header in
            guard header.dtype == .uint8, header.shape.count == 1, header.dataByteCount <= maxMetadataBytes else {
                throw CheckpointError(.badMetadata, path: npz.path, key: key,
                                      message: "\(header.dtype.rawValue) array of shape \(header.shape), expected UTF-8 JSON of at most \(maxMetadataBytes) bytes")
            }
        }
        guard let member else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(try member.byteValues()))
        } catch {
            throw CheckpointError(.badMetadata, path: npz.path, key: key, message: "unreadable metadata: \(error)")
        }
    }

    /// Writes the model and its metadata atomically in the official layout.
    public static func save(_ model: ResNetV2<Float>, metadata: ModelMetadata, to url: URL) throws {
        precondition(metadata.classNames.count == model.classes, "one class name per output")
        var archive = NpzArchive()
        for name in model.parameters.names {
            let t = model.parameters.tensor(name)
            archive.set(NpyArray(shape: t.shape, floats: t.array), forKey: name)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        archive.set(NpyArray(bytes: Array(try encoder.encode(metadata))), forKey: metadataKey)
        try archive.write(to: url)
    }

    /// Units per block from the `resnet/block{b}/unit{uu}` keys, width from the stem kernel.
    static func inferArchitecture(_ archive: NpzReader, path: String) throws -> ResNetV2Architecture {
        let stemKey = ResNetV2<Float>.stemKernel
        guard let stem = try archive.header(stemKey) else {
            let hint = archive.keys.contains { $0.hasPrefix("resnet/") } ? "" : " (no 'resnet/' keys: is this a BiT checkpoint?)"
            throw CheckpointError(.missingKey, path: path, key: stemKey, message: "missing stem kernel\(hint)")
        }
        guard stem.shape.count == 4, stem.shape[0] == 7, stem.shape[1] == 7, stem.shape[2] == 3 else {
            throw CheckpointError(.shapeMismatch, path: path, key: stemKey, message: "shape \(stem.shape), expected (7, 7, 3, 64·width)")
        }
        var units = [0, 0, 0, 0]
        for key in archive.keys where key.hasPrefix("resnet/block") {
            let parts = key.split(separator: "/")
            guard parts.count > 2, let b = Int(parts[1].dropFirst("block".count)), (1...4).contains(b),
                  parts[2].hasPrefix("unit"), let u = Int(parts[2].dropFirst("unit".count)) else {
                throw CheckpointError(.unexpectedKey, path: path, key: key, message: "not a BiT block/unit key")
            }
            // Units 1...u each need keys of their own; a larger number would only make the expected key list huge.
            guard u <= archive.keys.count else {
                throw CheckpointError(.unexpectedKey, path: path, key: key,
                                      message: "unit \(u) cannot be complete in a checkpoint of \(archive.keys.count) keys")
            }
            units[b - 1] = max(units[b - 1], u)
        }
        do {
            return try ResNetV2Architecture(unitsPerBlock: units, widthFactor: Double(stem.shape[3]) / 64)
        } catch {
            throw CheckpointError(.shapeMismatch, path: path, key: stemKey, message: "\(error)")
        }
    }
}
