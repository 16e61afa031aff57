import FileFormats
import Foundation
import TestSupport
import Testing
@testable import BiT

@Suite struct BiTCheckpointTests {
    static func temporaryFile(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modelcheck-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name)
    }

    @Test func savedModelLoadsInNumPyAndGivesTheSameLogits() throws {
        // Change every weight (one SGD step), save, and let NumPy recompute the logits from our file.
        var (model, _) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"))
        let input = Tensor<Float>(shape: try Fixtures.npy("tiny-bit/input.npy").shape,
                                  values: try Fixtures.npy("tiny-bit/input.npy").floatValues())
        let (_, grads) = model.lossAndGradients(input, targets: .labels([0, 1, 2]))
        var sgd = SGD<Float>()
        sgd.step(model.parameters, gradients: grads, learningRate: 0.5)
        model = try ResNetV2(architecture: model.architecture, classes: 3, parameters: model.parameters)
        let metadata = ModelMetadata(architecture: model.architecture.description, classNames: ["a", "b", "c"],
                                     resolution: 37, valueRange: .zeroToOne)
        let file = Self.temporaryFile("trained.npz")
        try BiTCheckpoint.save(model, metadata: metadata, to: file)

        let printed = try Python.output(["reference_logits.py", file.path, "input.npy"], in: Fixtures.url("tiny-bit"))
        let numpy = try JSONDecoder().decode([[Double]].self, from: Data(printed.utf8)).flatMap { $0 }
        let ours = model.logits(input).array.map(Double.init)
        let before = try Fixtures.npy("tiny-bit/logits.npy").doubleValues()
        #expect(GradientCheck.maxError(ours, before) > 1e-3, "the SGD step must have changed the model")
        for (o, n) in zip(ours, numpy) { #expect(abs(o - n) <= 1e-4 * max(abs(n), 1e-2), "ours \(o), NumPy \(n)") }

        let (reloaded, meta) = try BiTCheckpoint.load(file)
        #expect(meta == metadata)
        for name in model.parameters.names {
            #expect(reloaded.parameters.tensor(name).array == model.parameters.tensor(name).array)
        }
    }

    @Test func differentClassCountSwapsInAZeroHead() throws {
        let (model, metadata) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"), classes: 2)
        #expect(model.classes == 2 && metadata.classNames == ["class 0", "class 1"])
        #expect(model.parameters.tensor("resnet/head/conv2d/kernel").shape == [1, 1, 256, 2])
        #expect(model.parameters.tensor("resnet/head/conv2d/kernel").array.allSatisfy { $0 == 0 })
        let (same, _) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"), classes: 3)
        #expect(same.parameters.tensor("resnet/head/conv2d/bias").array.contains { $0 != 0 })
    }

    /// Rewrites the fixture with `edit` applied to its arrays and returns the error loading it gives.
    static func loadError(_ edit: (inout NpzArchive) -> Void) throws -> CheckpointError? {
        var archive = try NpzArchive.read(contentsOf: Fixtures.url("tiny-bit/tiny-bit.npz"))
        edit(&archive)
        let file = temporaryFile("edited.npz")
        try archive.write(to: file)
        do { _ = try BiTCheckpoint.load(file) } catch let e as CheckpointError { return e }
        return nil
    }

    @Test func missingKeyIsNamed() throws {
        let e = try Self.loadError { a in
            var copy = NpzArchive()
            for k in a.keys where k != "resnet/block3/unit01/b/group_norm/beta" { copy.set(a[k]!, forKey: k) }
            a = copy
        }
        #expect(e?.kind == .missingKey && e?.key == "resnet/block3/unit01/b/group_norm/beta")
        #expect(e?.description.contains("edited.npz") == true)
    }

    @Test func wrongShapeIsNamed() throws {
        let e = try Self.loadError { a in
            a.set(NpyArray(shape: [3, 3, 8, 9], floats: [Float](repeating: 0, count: 648)), forKey: "resnet/block1/unit02/b/standardized_conv2d/kernel")
        }
        #expect(e?.kind == .shapeMismatch && e?.key == "resnet/block1/unit02/b/standardized_conv2d/kernel")
        #expect(e?.description.contains("[3, 3, 8, 8]") == true)
    }

    @Test func extraKeyIsNamed() throws {
        let e = try Self.loadError { a in a.set(NpyArray(shape: [2], floats: [1, 2]), forKey: "resnet/extra/weights") }
        #expect(e?.kind == .unexpectedKey && e?.key == "resnet/extra/weights")
    }

    @Test func badMetadataIsNamed() throws {
        let e = try Self.loadError { a in a.set(NpyArray(bytes: Array("{\"architecture\": 3}".utf8)), forKey: BiTCheckpoint.metadataKey) }
        #expect(e?.kind == .badMetadata && e?.key == BiTCheckpoint.metadataKey)
    }

    @Test func calibrationTemperatureIsStoredOnlyWhenThereIsOne() throws {
        let (model, plain) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"))
        #expect(plain.temperature == nil)
        // Metadata without a temperature is written as before, so older readers and hashes see no change.
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("temperature"))
        var calibrated = plain
        calibrated.temperature = 2.5
        let file = Self.temporaryFile("calibrated.npz")
        try BiTCheckpoint.save(model, metadata: calibrated, to: file)
        #expect(try BiTCheckpoint.load(file).metadata.temperature == 2.5)
        // A new head has logits the temperature was never fitted to.
        #expect(try BiTCheckpoint.load(file, classes: 2).metadata.temperature == nil)
        for bad in ["0", "-1"] {
            let e = try Self.loadError { a in
                a.set(NpyArray(bytes: Array("{\"architecture\": \"R17x0.125\", \"classNames\": [\"a\", \"b\", \"c\"], \"resolution\": 128, \"valueRange\": \"[-1, 1]\", \"temperature\": \(bad)}".utf8)),
                      forKey: BiTCheckpoint.metadataKey)
            }
            #expect(e?.kind == .badMetadata && e?.description.contains("temperature \(bad)") == true, "\(String(describing: e))")
        }
    }

    @Test func brokenFilesGiveErrorsNotCrashes() throws {
        let good = try Data(contentsOf: Fixtures.url("tiny-bit/tiny-bit.npz"))
        var rng = SeededRandom(seed: 9)
        let cases: [(String, Data, [FileFormatError.Kind])] = [
            ("empty.npz", Data(), [.emptyFile]),
            ("random.npz", Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }), [.notZip]),
            ("truncated.npz", good.prefix(good.count / 2), [.truncated, .notZip, .corruptArchive]),
            ("text.npz", Data("not a checkpoint\n".utf8), [.notZip]),
        ]
        for (name, bytes, kinds) in cases {
            let file = Self.temporaryFile(name)
            try bytes.write(to: file)
            do {
                _ = try BiTCheckpoint.load(file)
                Issue.record("\(name) loaded")
            } catch let e as FileFormatError {
                #expect(kinds.contains(e.kind), "\(name): \(e)")
                #expect(e.description.contains(name))
            }
        }
    }

    @Test func officialLayoutWithoutResnetKeysIsExplained() throws {
        var archive = NpzArchive()
        archive.set(NpyArray(shape: [1], floats: [0]), forKey: "weights")
        let file = Self.temporaryFile("other.npz")
        try archive.write(to: file)
        #expect { try BiTCheckpoint.load(file) } throws: { e in
            (e as? CheckpointError)?.description.contains("is this a BiT checkpoint?") == true
        }
    }
}
