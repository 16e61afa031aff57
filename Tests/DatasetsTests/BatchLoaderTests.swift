import BiT
import Foundation
import Imaging
import Testing
@testable import Datasets

@Suite struct BatchLoaderTests {
    /// `count` small PNGs whose left half is dark and right half bright, so flips are visible.
    static func makeImages(_ count: Int, size: Int = 12) throws -> [LabeledImage] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try (0..<count).map { i in
            var px = [UInt8]()
            for _ in 0..<size { for x in 0..<size { px += x < size / 2 ? [UInt8(i), 0, 0] : [UInt8(i), 200, 0] } }
            let url = dir.appendingPathComponent("img\(i).png")
            try PNGEncoder.write(RGBImage(width: size, height: size, pixels: px), to: url)
            return LabeledImage(url: url, label: i % 2)
        }
    }

    static let plan = Preprocessing(resize: 12, crop: 10, valueRange: .zeroToOne, randomHorizontalFlip: true)

    @Test func trainingBatchesAreAPureFunctionOfSeedAndStep() throws {
        let samples = try Self.makeImages(7)
        let a = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 3, mode: .training(seed: 42))
        let walked = try (0..<6).map { try a.batch($0) }
        // A fresh loader that starts at step 4 (a resumed run) sees exactly the same batch.
        let b = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 3, mode: .training(seed: 42), cacheImages: true)
        let resumed = try b.batch(4)
        #expect(resumed.samples == walked[4].samples && resumed.labels == walked[4].labels)
        #expect(resumed.images.array == walked[4].images.array)
        // Jumping back works too, and another seed gives another order.
        #expect(try b.batch(1).images.array == walked[1].images.array)
        let c = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 3, mode: .training(seed: 43))
        #expect(try (0..<3).map { try c.batch($0).samples } != walked.prefix(3).map(\.samples))
    }

    @Test func eachEpochVisitsEverySampleOnce() throws {
        let samples = try Self.makeImages(7)
        let loader = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 3, mode: .training(seed: 1))
        let positions = (0..<7).flatMap { loader.sampleIndices(step: $0) }  // 21 positions = 3 epochs
        for epoch in 0..<3 { #expect(Set(positions[epoch * 7..<(epoch + 1) * 7]) == Set(0..<7)) }
        #expect(Array(positions[0..<7]) != Array(positions[7..<14]))
    }

    @Test func evaluationCoversEverySampleInOrderWithAPartialLastBatch() throws {
        let samples = try Self.makeImages(5)
        let loader = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 2, mode: .evaluation)
        #expect(loader.batchesPerEpoch == 3)
        let batches = try (0..<3).map { try loader.batch($0) }
        #expect(batches.map(\.samples) == [[0, 1], [2, 3], [4]])
        #expect(batches[2].images.shape == [1, 10, 10, 3])
        // Evaluation never flips: the dark half stays on the left.
        let first = batches[0].images
        #expect(first[1] == 0 && first[(10 - 1) * 3 + 1] > 0.7)
    }

    @Test func aboutHalfTheTrainingImagesAreFlippedNotAll() throws {
        let samples = try Self.makeImages(8)
        let loader = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 8, mode: .training(seed: 7))
        var flipped = 0, total = 0
        for step in 0..<25 {
            let b = try loader.batch(step)
            for i in 0..<8 {
                // Green of the top-left pixel: 0 when upright, 200/255 when mirrored.
                if b.images[i * 300 + 1] > 0.5 { flipped += 1 }
                total += 1
            }
        }
        #expect(flipped > total * 35 / 100 && flipped < total * 65 / 100, "\(flipped) of \(total) flipped")
    }

    @Test func cacheDoesNotChangeBatches() throws {
        let samples = try Self.makeImages(6)
        let plain = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4, mode: .training(seed: 3))
        let cached = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4, mode: .training(seed: 3), cacheImages: true)
        for step in 0..<4 { #expect(try plain.batch(step).images.array == cached.batch(step).images.array) }
    }

    /// A colour shift, a noise and a JPEG round trip, each on about half the images.
    static let augmentation = [
        Augmentation(.colourShift(.stainIntensity, range: 0.7...1.4)),
        Augmentation(.corruption(.gaussianNoise, maxSeverity: CorruptionSeverity.all[2])),
        Augmentation(.corruption(.jpeg, maxSeverity: CorruptionSeverity.all[0]), probability: 0.3),
    ].compactMap { $0 }

    @Test func augmentedBatchesAreAPureFunctionOfSeedAndStepOnAnyThreadCount() throws {
        let samples = try Self.makeImages(9, size: 16)
        #expect(Self.augmentation.count == 3)
        let mode = BatchLoader.Mode.training(seed: 5, augmentation: Self.augmentation)
        let one = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4, mode: mode, threads: 1)
        let walked = try (0..<5).map { try one.batch($0).images.array.map(\.bitPattern) }
        // Two threads, the cache, and a start at step 3 (a resumed run) change nothing.
        let two = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4, mode: mode, cacheImages: true, threads: 2)
        #expect(try two.batch(3).images.array.map(\.bitPattern) == walked[3])
        #expect(try (0..<5).map { try two.batch($0).images.array.map(\.bitPattern) } == walked)
    }

    @Test func augmentationChangesBatchesAndLeavesCropsAndFlipsAsTheyWere() throws {
        let samples = try Self.makeImages(8, size: 16)
        func batches(_ augmentation: [Augmentation]) throws -> [[Float]] {
            let loader = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4,
                                     mode: .training(seed: 2, augmentation: augmentation))
            return try (0..<4).map { try loader.batch($0).images.array }
        }
        let plain = try batches([])
        #expect(try batches(Self.augmentation) != plain)
        // Its numbers are drawn after the crop's and the flips': an augmentation that never
        // applies leaves every batch bit for bit as it was without one.
        let never = try #require(Augmentation(.colourShift(.hueRotation, range: 30...60), probability: 0))
        #expect(try batches([never, never]) == plain)
    }

    @Test func anUnreadableImageFailsTheBatchAndNamesTheFile() throws {
        var samples = try Self.makeImages(3)
        let bad = samples[0].url.deletingLastPathComponent().appendingPathComponent("bad.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: bad)
        samples.append(LabeledImage(url: bad, label: 0))
        let loader = BatchLoader(samples: samples, preprocessing: Self.plan, batchSize: 4, mode: .evaluation)
        #expect { try loader.batch(0) } throws: { "\($0)".contains("bad.png") }
    }
}
