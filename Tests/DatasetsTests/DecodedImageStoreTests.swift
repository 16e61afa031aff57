import Foundation
import Imaging
import Testing
@testable import Datasets

/// The store decodes a file once and keeps it within its budget; the loaders that share it
/// give the same batches as loaders that decode every time.
@Suite struct DecodedImageStoreTests {
    static func solid(_ value: UInt8, size: Int = 8) -> RGBImage {
        RGBImage(width: size, height: size, pixels: [UInt8](repeating: value, count: size * size * 3))
    }

    @Test func keepsWhatFitsAndDecodesTheRestOnEveryRead() throws {
        let samples = try BatchLoaderTests.makeImages(2, size: 8)
        let (first, second) = (samples[0].url, samples[1].url)
        // Room for one 8×8 image (192 bytes), not two.
        let store = DecodedImageStore(budgetBytes: 300)
        let kept = try store.image(at: first)
        #expect(try store.image(at: second).pixels == (try ImageDecoder.decode(contentsOf: second)).pixels)
        #expect(store.keptBytes == 192)
        // Rewritten files: the kept one is not read again, the one past the budget is.
        try PNGEncoder.write(Self.solid(7), to: first)
        try PNGEncoder.write(Self.solid(9), to: second)
        #expect(try store.image(at: first).pixels == kept.pixels)
        #expect(try store.image(at: second).pixels == Self.solid(9).pixels)
    }

    @Test func anUnreadableFileThrowsOnEveryRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).png")
        try Data("not a png".utf8).write(to: url)
        let store = DecodedImageStore(budgetBytes: 1 << 20)
        #expect(throws: (any Error).self) { try store.image(at: url) }
        #expect(throws: (any Error).self) { try store.image(at: url) }
        #expect(store.keptBytes == 0)
    }

    @Test func loadersSharingAStoreMakeTheSameBatches() throws {
        let samples = try BatchLoaderTests.makeImages(5)
        let store = DecodedImageStore(budgetBytes: 1 << 20)
        let modes: [BatchLoader.Mode] = [.evaluation, .transformed(.rotate90), .perturbed(ImagePerturbation.corruption(.gaussianNoise, CorruptionSeverity(3)!), seed: 4)]
        for mode in modes {
            let plain = BatchLoader(samples: samples, preprocessing: BatchLoaderTests.plan, batchSize: 2, mode: mode)
            let shared = BatchLoader(samples: samples, preprocessing: BatchLoaderTests.plan, batchSize: 2, mode: mode, decoded: store)
            for step in 0..<3 { #expect(try shared.batch(step).images.array == plain.batch(step).images.array, "\(mode) \(step)") }
        }
        #expect(store.keptBytes == 5 * 12 * 12 * 3)
    }
}
