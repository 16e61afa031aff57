import Randomness
import Dispatch
import Foundation
import Testing
@testable import Imaging

/// What the corruptions and colour shifts must do whatever their exact pixels: be reproducible,
/// grow with severity, scale with the image, and leave images alone at their identity amounts.
@Suite struct CorruptionPropertyTests {
    /// A real 8-bit cell image of the embedded malaria sample (a purple-stained parasite on a pink
    /// cell, black background), from the repository itself.
    static let cell: RGBImage = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = repository.appendingPathComponent(
            "Specs/data/malaria-sample/Parasitized/C100P61ThinF_IMG_20150918_144104_cell_165.png")
        do { return try ImageDecoder.decode(contentsOf: file) } catch { fatalError("the embedded sample is missing: \(error)") }
    }()

    static func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }

    /// Every pixel repeated in a 2x2 block: the same scene at twice the resolution.
    static func doubled(_ image: RGBImage) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<(2 * image.height) {
            for x in 0..<(2 * image.width) {
                let pixel = image[x: x / 2, y: y / 2]
                pixels += [pixel.red, pixel.green, pixel.blue]
            }
        }
        return RGBImage(width: 2 * image.width, height: 2 * image.height, pixels: pixels)
    }

    @Test(arguments: Corruption.allCases)
    func sameInputsGiveTheSameBytes(_ corruption: Corruption) throws {
        for severity in CorruptionSeverity.all {
            let first = try corruption.apply(to: Self.cell, severity: severity, seed: 7)
            let second = try corruption.apply(to: Self.cell, severity: severity, seed: 7)
            #expect(first == second, "\(corruption) at \(severity)")
            #expect(first.width == Self.cell.width && first.height == Self.cell.height)
        }
    }

    @Test func parallelCorruptionGivesTheSerialBytes() throws {
        let image = Self.cell.resized(width: 48, height: 40)
        let jobs = Corruption.allCases.flatMap { corruption in CorruptionSeverity.all.map { (corruption, $0) } }
        let serial = try jobs.map { try $0.0.apply(to: image, severity: $0.1, seed: 99) }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 4 * jobs.count) { index in
            let (corruption, severity) = jobs[index % jobs.count]
            let same = (try? corruption.apply(to: image, severity: severity, seed: 99)) == serial[index % jobs.count]
            outcomes.record(same ? nil : "\(corruption) at \(severity) differs on another thread")
        }
        let (checked, problems) = outcomes.snapshot()
        #expect(checked == 4 * jobs.count && problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test(arguments: [Corruption.gaussianNoise, .shotNoise])
    func noiseDependsOnTheSeed(_ corruption: Corruption) throws {
        let severity = try #require(CorruptionSeverity(3))
        let images = try [1, 2, 3].map { try corruption.apply(to: Self.cell, severity: severity, seed: $0) }
        #expect(Set(images.map(\.pixels)).count == 3)
    }

    @Test func everyCorruptionAndSeverityHasItsOwnStream() throws {
        var firsts: Set<UInt64> = []
        for corruption in Corruption.allCases {
            for severity in CorruptionSeverity.all {
                var generator = corruption.noiseGenerator(severity: severity, seed: 42)
                firsts.insert(generator.next())
            }
        }
        #expect(firsts.count == Corruption.allCases.count * CorruptionSeverity.all.count)
    }

    @Test func splitMix64MatchesItsPublishedStream() {
        // The first outputs for seed 0 of Vigna's reference splitmix64.c.
        var generator = SeededRandom(seed: 0)
        #expect([generator.next(), generator.next(), generator.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func boxMullerDeviatesAreStandardNormal() {
        var generator = SeededRandom(seed: 3)
        let deviates = generator.normals(count: 100_001)
        let mean = deviates.reduce(0, +) / Double(deviates.count)
        let variance = deviates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(deviates.count - 1)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02, "mean \(mean), variance \(variance)")
    }

    @Test func poissonTableHasThePoissonMeanAndVariance() {
        let table = PoissonTable(mean: 12)
        var generator = SeededRandom(seed: 5)
        let draws = (0..<50_000).map { _ in Double(table.draw(generator.nextUnitInterval())) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
        #expect(abs(mean - 12) < 0.1 && abs(variance - 12) < 0.4, "mean \(mean), variance \(variance)")
    }

    @Test(arguments: Corruption.allCases)
    func damageGrowsWithSeverity(_ corruption: Corruption) throws {
        let damage = try CorruptionSeverity.all.map {
            Self.meanAbsoluteDifference(try corruption.apply(to: Self.cell, severity: $0, seed: 11), Self.cell)
        }
        #expect(damage[0] > 0)
        #expect(zip(damage, damage.dropFirst()).allSatisfy { $0 < $1 }, "\(corruption): \(damage)")
    }

    @Test(arguments: [Corruption.gaussianBlur, .defocusBlur, .pixelate])
    func damageIsComparableAtTwiceTheSize(_ corruption: Corruption) throws {
        let large = Self.doubled(Self.cell)
        for severity in CorruptionSeverity.all {
            let small = Self.meanAbsoluteDifference(try corruption.apply(to: Self.cell, severity: severity, seed: 1), Self.cell)
            let big = Self.meanAbsoluteDifference(try corruption.apply(to: large, severity: severity, seed: 1), large)
            #expect(big / small > 0.75 && big / small < 1.33, "\(corruption) at \(severity): \(small) vs \(big) at 2x")
        }
    }

    @Test func aFixedPixelBlurWouldNotScale() {
        // The check above can fail: the same σ in pixels does far less to the doubled image.
        let large = Self.doubled(Self.cell)
        let small = Self.meanAbsoluteDifference(Self.cell.gaussianBlurred(sigma: 3), Self.cell)
        let big = Self.meanAbsoluteDifference(large.gaussianBlurred(sigma: 3), large)
        #expect(big / small < 0.75, "\(small) vs \(big)")
    }

    @Test func defocusRunsAddUpToTheDirectSum() {
        let image = RGBImage(width: 23, height: 17, pixels: TestImages.noise(count: 23 * 17 * 3, seed: 9))
        for radius in [0.3, 1.0, 2.7, 9.3] {
            let kernel = DefocusKernel(radius: radius)
            var weights: [Int: Int] = [:]
            for tap in kernel.taps { weights[tap.dy * 1000 + tap.dx] = tap.weight }
            for run in kernel.runs {
                for dx in run.from...run.to { weights[run.dy * 1000 + dx] = DefocusKernel.fullWeight }
            }
            var expected: [UInt8] = []
            for y in 0..<image.height {
                for x in 0..<image.width {
                    for channel in 0..<3 {
                        var sum = 0
                        for (offset, weight) in weights {
                            let dy = Int((Double(offset) / 1000).rounded()), dx = offset - dy * 1000
                            let sx = reflectedIndex(x + dx, count: image.width), sy = reflectedIndex(y + dy, count: image.height)
                            sum += weight * Int(image.pixels[(sy * image.width + sx) * 3 + channel])
                        }
                        expected.append(UInt8((sum + kernel.totalWeight / 2) / kernel.totalWeight))
                    }
                }
            }
            #expect(weights.values.reduce(0, +) == kernel.totalWeight)
            #expect(image.defocusBlurred(radius: radius).pixels == expected, "radius \(radius)")
        }
    }

    @Test func reflectionRepeatsTheEdgePixel() {
        #expect((-4...7).map { reflectedIndex($0, count: 3) } == [2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1])
        #expect((-2...2).map { reflectedIndex($0, count: 1) } == [0, 0, 0, 0, 0])
    }

    @Test func jpegKeepsTheSizeAndLosesMoreAtLowerQuality() throws {
        let fine = try ImageDecoder.decode(JPEGEncoder.encode(Self.cell, quality: 95), name: "q95")
        let coarse = try ImageDecoder.decode(JPEGEncoder.encode(Self.cell, quality: 10), name: "q10")
        #expect(fine.width == Self.cell.width && fine.height == Self.cell.height)
        let fineDamage = Self.meanAbsoluteDifference(fine, Self.cell), coarseDamage = Self.meanAbsoluteDifference(coarse, Self.cell)
        #expect(fineDamage < 1.5 && coarseDamage > 2 * fineDamage, "q95: \(fineDamage), q10: \(coarseDamage)")
        #expect(try JPEGEncoder.encode(Self.cell, quality: 10) == JPEGEncoder.encode(Self.cell, quality: 10))
    }

    @Test func jpegErrorsAreSwiftErrors() {
        let quality = #expect(throws: ImageError.self) { try JPEGEncoder.encode(Self.cell, quality: 0) }
        #expect(quality?.kind == .encodingFailed && quality?.reason.contains("outside 1...100") == true)
        // libjpeg's own error, reached by longjmp inside the C target and returned as a message.
        let empty = #expect(throws: ImageError.self) { try JPEGEncoder.encode(RGBImage(width: 0, height: 3, pixels: []), quality: 50) }
        #expect(empty?.kind == .encodingFailed && empty?.reason.hasPrefix("libjpeg: ") == true, "\(String(describing: empty))")
        let wide = #expect(throws: ImageError.self) {
            try JPEGEncoder.encode(RGBImage(width: 70_000, height: 1, pixels: [UInt8](repeating: 0, count: 210_000)), quality: 50)
        }
        #expect(wide?.reason.contains("libjpeg") == true, "\(String(describing: wide))")
    }

    @Test func anImageWithoutPixelsComesBackUnchanged() throws {
        let empty = RGBImage(width: 0, height: 0, pixels: [])
        for corruption in Corruption.allCases {
            #expect(try corruption.apply(to: empty, severity: CorruptionSeverity.all[4], seed: 1) == empty)
        }
        for kind in ColourShift.Kind.allCases {
            #expect(ColourShift(kind, amount: 1.5).apply(to: empty) == empty)
        }
    }

    @Test func severitiesOutsideOneToFiveCannotBeMade() {
        #expect(CorruptionSeverity(0) == nil && CorruptionSeverity(6) == nil && CorruptionSeverity(-1) == nil)
        #expect(CorruptionSeverity.all.map(\.level) == [1, 2, 3, 4, 5])
    }

    @Test(arguments: ColourShift.Kind.allCases)
    func identityAmountChangesNothing(_ kind: ColourShift.Kind) {
        let every = RGBImage(width: 256, height: 1, pixels: (0..<768).map { UInt8(($0 * 7 + $0 / 3) % 256) })
        #expect(ColourShift(kind, amount: kind.identityAmount).apply(to: every) == every)
        #expect(ColourShift(kind, amount: kind.identityAmount).apply(to: Self.cell) == Self.cell)
    }

    @Test func strongerStainDarkensStainedPixelsAndKeepsWhiteAndBlack() {
        let purple = RGBImage(width: 3, height: 1, pixels: [150, 80, 170, 255, 255, 255, 0, 0, 0])
        let darker = ColourShift.stainIntensity(factor: 1.4).apply(to: purple)
        #expect(zip(darker.pixels.prefix(3), purple.pixels.prefix(3)).allSatisfy { $0 < $1 })
        #expect(Array(darker.pixels.suffix(6)) == [255, 255, 255, 0, 0, 0])
        let paler = ColourShift.stainIntensity(factor: 0.7).apply(to: purple)
        #expect(zip(paler.pixels.prefix(3), purple.pixels.prefix(3)).allSatisfy { $0 > $1 })
        // On the real cell: the mean over the cell (non-black) falls.
        let cellMean = { (image: RGBImage) in
            let lit = image.pixels.enumerated().filter { Self.cell.pixels[$0.offset] > 0 }.map { Double($0.element) }
            return lit.reduce(0, +) / Double(lit.count)
        }
        #expect(cellMean(ColourShift.stainIntensity(factor: 1.5).apply(to: Self.cell)) < cellMean(Self.cell) - 10)
    }

    @Test func hueRotationKeepsGreysAndComesFullCircle() {
        let greys = RGBImage(width: 256, height: 1, pixels: (0..<768).map { UInt8($0 / 3) })
        for degrees in [17.0, 120, -75, 200] {
            #expect(ColourShift.hueRotation(degrees: degrees).apply(to: greys) == greys)
        }
        #expect(ColourShift.hueRotation(degrees: 360).apply(to: Self.cell) == Self.cell)
        let red = RGBImage(width: 1, height: 1, pixels: [200, 0, 0])
        #expect(ColourShift.hueRotation(degrees: 120).apply(to: red).pixels == [0, 200, 0])
    }

    @Test func whiteBalanceAmountWarmsAndCools() {
        let grey = RGBImage(width: 1, height: 1, pixels: [100, 100, 100])
        #expect(ColourShift(.whiteBalance, amount: 1.25).apply(to: grey).pixels == [125, 100, 80])
        #expect(ColourShift(.whiteBalance, amount: 0.8).apply(to: grey).pixels == [80, 100, 125])
    }

    @Test func nonFiniteAmountsDoNotCrash() {
        for kind in ColourShift.Kind.allCases {
            for amount in [Double.nan, .infinity, -.infinity, 0] {
                #expect(ColourShift(kind, amount: amount).apply(to: Self.cell).pixels.count == Self.cell.pixels.count)
            }
        }
    }
}
