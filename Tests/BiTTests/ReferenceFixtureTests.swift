import Foundation
import Testing
@testable import BiT

/// The engine against logits computed outside it: a NumPy float64 implementation of BiT
/// (Fixtures/tiny-bit/make_tiny_bit.py) over a small model stored in the official npz layout.
@Suite struct ReferenceFixtureTests {
    static func reference() throws -> (input: Tensor<Float>, logits: [Double]) {
        let input = try Fixtures.npy("tiny-bit/input.npy")
        let logits = try Fixtures.npy("tiny-bit/logits.npy")
        return (Tensor(shape: input.shape, values: try input.floatValues()), try logits.doubleValues())
    }

    @Test(arguments: ["tiny-bit/tiny-bit.npz", "tiny-bit/tiny-bit-deflated.npz"])
    func floatEngineMatchesNumPyWithin1e4(_ file: String) throws {
        let (model, metadata) = try BiTCheckpoint.load(Fixtures.url(file))
        #expect(model.architecture.unitsPerBlock == [2, 1, 1, 1])
        #expect(model.architecture.stemChannels == 8 && model.architecture.groups == 4)
        #expect(metadata.classNames == ["class 0", "class 1", "class 2"] && metadata.valueRange == .minusOneToOne)
        let (input, expected) = try Self.reference()
        for threads in [1, 2] {
            let got = model.logits(input, threads: threads).array.map(Double.init)
            for (g, e) in zip(got, expected) { #expect(abs(g - e) <= 1e-4 * max(abs(e), 1e-2), "got \(g), NumPy \(e)") }
        }
    }

    @Test func doubleEngineMatchesNumPyExactly() throws {
        // The same algorithm in Double agrees to rounding: any mismatch in padding, ε or group
        // layout would show here far above 1e-9 (the script's README lists how far each moves the logits).
        let (model, _) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"))
        var params = ParameterSet<Double>()
        for name in model.parameters.names { params.set(model.parameters.tensor(name).converted(), for: name) }
        let double = try ResNetV2<Double>(architecture: model.architecture, classes: model.classes, parameters: params)
        let (input, expected) = try Self.reference()
        let got = double.logits(input.converted()).array
        #expect(GradientCheck.maxError(got, expected) < 1e-9)
    }
}
