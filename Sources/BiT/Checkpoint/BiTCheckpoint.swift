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

    /// Metadata with every field given.
    public init(architecture: String, classNames: [String], resolution: Int, valueRange: ValueRange) {
        self.architecture = architecture
        self.classNames = classNames
        self.resolution = resolution
        self.valueRange = valueRange
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

    /// Loads a model. The architecture is inferred from the keys; `classes`, when given and
    /// different from the checkpoint's head, replaces the head with a zero-initialised one
    /// (and numbers the classes). A checkpoint without metadata gets numbered classes and [-1, 1].
    /// Throws `FileFormatError` for a damaged file, `CheckpointError` for one that is not a usable checkpoint.
    public static func load(_ url: URL, classes requested: Int? = nil) throws -> (model: ResNetV2<Float>, metadata: ModelMetadata) {
        let archive = try NpzArchive.read(contentsOf: url)
        let path = url.path
        let architecture = try inferArchitecture(archive, path: path)
        guard let headBias = archive[ResNetV2<Float>.headBias] else {
            throw CheckpointError(.missingKey, path: path, key: ResNetV2<Float>.headBias, message: "the checkpoint has no head bias")
        }
        guard headBias.shape.count == 1, headBias.shape[0] >= 1 else {
            throw CheckpointError(.shapeMismatch, path: path, key: ResNetV2<Float>.headBias, message: "shape \(headBias.shape), expected (classes,)")
        }
        let classes = headBias.shape[0]

        var params = ParameterSet<Float>()
        let expected = ResNetV2<Float>.parameterShapes(architecture, classes: classes)
        for (name, shape) in expected {
            guard let array = archive[name] else {
                throw CheckpointError(.missingKey, path: path, key: name,
                                      message: "missing for \(architecture) (expected shape \(shape))")
            }
            guard array.shape == shape else {
                throw CheckpointError(.shapeMismatch, path: path, key: name,
                                      message: "shape \(array.shape), expected \(shape) for \(architecture)")
            }
            params.set(Tensor(shape: shape, values: try array.floatValues()), for: name)
        }
        let known = Set(expected.map(\.name))
        if let extra = archive.keys.first(where: { !known.contains($0) && !$0.hasPrefix("modelcheck/") }) {
            throw CheckpointError(.unexpectedKey, path: path, key: extra,
                                  message: "not part of \(architecture) (\(expected.count) keys expected)")
        }
        var model = try ResNetV2(architecture: architecture, classes: classes, parameters: params)

        var metadata = ModelMetadata(architecture: architecture.description, classNames: (0..<classes).map { "class \($0)" },
                                     resolution: defaultResolution, valueRange: .minusOneToOne)
        if let member = archive[metadataKey] {
            do {
                metadata = try JSONDecoder().decode(ModelMetadata.self, from: Data(try member.byteValues()))
            } catch {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey, message: "unreadable metadata: \(error)")
            }
            guard Set(metadata.classNames).count == metadata.classNames.count else {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey, message: "class names repeat: \(metadata.classNames)")
            }
            guard metadata.classNames.count == classes else {
                throw CheckpointError(.badMetadata, path: path, key: metadataKey,
                                      message: "\(metadata.classNames.count) class names for a \(classes)-way head")
            }
        }
        if let requested, requested != classes {
            model = model.replacingHead(classes: requested)
            metadata.classNames = (0..<requested).map { "class \($0)" }
        }
        return (model, metadata)
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
    static func inferArchitecture(_ archive: NpzArchive, path: String) throws -> ResNetV2Architecture {
        let stemKey = ResNetV2<Float>.stemKernel
        guard let stem = archive[stemKey] else {
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
            // Every unit is several arrays, so a unit number beyond the archive's array count names units
            // the file cannot hold; refused here, before the architecture builds that many.
            guard u <= archive.keys.count else {
                throw CheckpointError(.unexpectedKey, path: path, key: key,
                                      message: "unit \(u) is more units than a checkpoint of \(archive.keys.count) arrays holds")
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
