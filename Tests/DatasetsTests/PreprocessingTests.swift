import BiT
import Imaging
import Testing
@testable import Datasets

@Suite struct PreprocessingTests {
    @Test func valueRanges() {
        let image = RGBImage(width: 1, height: 1, pixels: [0, 255, 51])
        let a = Preprocessing.evaluationBatch([image], resolution: 1, valueRange: .minusOneToOne).array
        // Correctly rounded from the exact value, not float arithmetic's nearby neighbour.
        #expect(a == [-1, 1, Float(-0.6)])
        let b = Preprocessing.evaluationBatch([image], resolution: 1, valueRange: .zeroToOne).array
        #expect(b == [0, 1, Float(0.2)])
    }

    @Test(arguments: [false, true])
    func randomFlipsAndTransposeGiveEverySymmetryEquallyOften(_ transpose: Bool) throws {
        // Four distinct pixels tell the square's 8 symmetries apart.
        let image = RGBImage(width: 2, height: 2, pixels: [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40])
        let plan = Preprocessing(resize: 2, crop: 2, randomHorizontalFlip: true, randomVerticalFlip: true, randomTranspose: transpose)
        var counts: [ImageTransform: Int] = [:]
        for seed in 0..<800 {
            var rng = SeededRandom(seed: UInt64(seed))
            let out = try plan.trainingImage(resized: image, rng: &rng)
            let matches = ImageTransform.allCases.filter { $0.apply(image).pixels == out.pixels }
            #expect(matches.count == 1)
            counts[matches[0], default: 0] += 1
        }
        // Flips alone reach the 4 symmetries that keep the axes (180° among them); the
        // transpose adds the other 4, quarter turns included, each about 1/8 of the time.
        #expect(counts.count == (transpose ? 8 : 4))
        #expect(counts[.rotate90] == nil || transpose)
        for (t, n) in counts { #expect(n > 800 / counts.count * 7 / 10 && n < 800 / counts.count * 13 / 10, "\(t): \(n)") }
    }

    @Test func batchIsNHWCInImageOrder() {
        let red = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 0 ? 255 : 0 })
        let blue = RGBImage(width: 3, height: 5, pixels: [UInt8](repeating: 0, count: 45).enumerated().map { $0.offset % 3 == 2 ? 255 : 0 })
        let t = Preprocessing.evaluationBatch([red, blue], resolution: 4, valueRange: .zeroToOne)
        #expect(t.shape == [2, 4, 4, 3])
        #expect(Array(t.array[0..<3]) == [1, 0, 0])
        #expect(Array(t.array[48..<51]) == [0, 0, 1])
    }
}

@Suite struct ImageResizeTests {
    @Test func halvingAveragesEachTwoByTwoBlock() {
        // Half-pixel centres: output pixel i samples source 2i + 0.5, halfway between two pixels.
        let px: [UInt8] = [0, 100, 40, 60, 20, 30, 80, 90, 200, 0, 10, 10, 200, 0, 10, 10]
        let image = RGBImage(width: 4, height: 4, pixels: px.flatMap { [$0, $0, $0] })
        let small = image.resized(width: 2, height: 2)
        let expected: [UInt8] = [38, 68, 100, 10]  // (0+100+20+30)/4 = 37.5 → 38, ...
        #expect(small.pixels == expected.flatMap { [$0, $0, $0] })
    }

    @Test func upscalingInterpolatesAndClampsAtEdges() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 200, 200, 200])
        let wide = image.resized(width: 4, height: 1)
        // Centres map to source -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        #expect(wide.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [0, 50, 150, 200])
    }

    @Test func sameSizeIsIdentity() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 13) })
        #expect(image.resized(width: 3, height: 2) == image)
    }
}
