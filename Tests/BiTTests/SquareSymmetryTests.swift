import FileFormats
import Foundation
import TestSupport
import Testing
@testable import BiT

@Suite struct SquareSymmetryTests {
    /// NumPy's view of symmetry k: transpose (axes H, W) when bit 4 is set, then mirror W (bit 1), then H (bit 2).
    static let numpyTransforms = """
        def sym(x, k):
            if k & 4: x = np.transpose(x, (0, 2, 1, 3))
            if k & 1: x = x[:, :, ::-1]
            if k & 2: x = x[:, ::-1]
            return x
        """

    @Test func theEightSymmetriesAreNumPysPixelPermutations() throws {
        // A non-square batch of distinct values: any mix-up of axes or flips changes some value.
        let shape = [2, 3, 4, 2]
        let images = Tensor<Float>(shape: shape) { Float($0) }
        let script = "import json, numpy as np\n" + Self.numpyTransforms + """

            x = np.arange(48, dtype=np.float32).reshape(2, 3, 4, 2)
            print(json.dumps([[list(sym(x, k).shape), sym(x, k).ravel().tolist()] for k in range(8)]))
            """
        let printed = try Python.output(script: script)
        let numpy = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as! [[Any]]
        let ours = SquareSymmetry.allCases.map { $0.apply(images) }
        for (k, (o, n)) in zip(ours, numpy).enumerated() {
            #expect(o.shape == (n[0] as! [Int]), "symmetry \(k): shape")
            #expect(o.array == (n[1] as! [Double]).map(Float.init), "symmetry \(k): pixels")
        }
        #expect(Set(ours.map(\.array)).count == 8, "eight different permutations")
        #expect(SquareSymmetry.allCases[0].apply(images).array == images.array, "the identity first")
    }

    @Test func averagedLogitsAreNumPysMeanOverTheSymmetriesAndIgnoreOrientation() throws {
        var (model, _) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"))
        let npy = try Fixtures.npy("tiny-bit/input.npy")
        let input = Tensor<Float>(shape: npy.shape, values: try npy.floatValues())
        model.averagesSymmetries = true
        let ours = model.logits(input, threads: 2).array.map(Double.init)

        let script = "import json, sys, numpy as np\nfrom make_tiny_bit import forward\n" + Self.numpyTransforms + """

            w = np.load("tiny-bit.npz"); x = np.load("input.npy")
            weights = {k: w[k] for k in w.files if k.startswith("resnet/")}
            print(json.dumps(np.mean([forward(sym(x, k), weights)[0] for k in range(8)], axis=0).ravel().tolist()))
            """
        let numpy = try JSONDecoder().decode([Double].self, from: Data(try Python.output(script: script, in: Fixtures.url("tiny-bit")).utf8))
        let plain = try Fixtures.npy("tiny-bit/logits.npy").doubleValues()
        #expect(GradientCheck.maxError(numpy, plain) > 1e-3, "the fixture's model must depend on orientation, or this test proves nothing")
        for (o, n) in zip(ours, numpy) { #expect(abs(o - n) <= 1e-4 * max(abs(n), 1e-2), "ours \(o), NumPy \(n)") }

        // A rotated batch is the same eight images in another order.
        let rotated = SquareSymmetry.allCases[5].apply(input)
        for (r, o) in zip(model.logits(rotated, threads: 1).array, ours) { #expect(abs(Double(r) - o) <= 1e-5 * max(abs(o), 1)) }
        // Embeddings are averaged the same way: the head of the mean embedding is the mean logit.
        let head = model.head(model.embeddings(input, threads: 1)).array
        for (h, o) in zip(head, ours) { #expect(abs(Double(h) - o) <= 1e-5 * max(abs(o), 1)) }
    }

    @Test func theCheckpointRecordsTestTimeAugmentation() throws {
        let (plain, old) = try BiTCheckpoint.load(Fixtures.url("tiny-bit/tiny-bit.npz"))
        #expect(old.testTimeAugmentation == nil && !plain.averagesSymmetries, "a file without the field has none")
        var metadata = old
        metadata.testTimeAugmentation = .symmetries
        let file = BiTCheckpointTests.temporaryFile("tta.npz")
        try BiTCheckpoint.save(plain, metadata: metadata, to: file)
        let (loaded, meta) = try BiTCheckpoint.load(file)
        #expect(meta.testTimeAugmentation == .symmetries && loaded.averagesSymmetries)
    }
}
