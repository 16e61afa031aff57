import Testing
@testable import Imaging

/// Pixels of every corruption and colour shift pinned against Fixtures/corruptions.py, which
/// computes them again in Python/NumPy from the definitions (and checks the blurs against SciPy).
@Suite struct CorruptionFixtureTests {
    static let positions = [(0, 0), (7, 3), (20, 16), (39, 31), (13, 29)]

    /// corruptions.py's test_image(): a red ramp, a green checkerboard, blue texture, 40x32.
    static let image: RGBImage = {
        let (width, height) = (40, 32)
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels.append(UInt8(x * 255 / (width - 1)))
                pixels.append((x / 5 + y / 4) % 2 == 0 ? 200 : 40)
                pixels.append(UInt8((x * x + 3 * y * y + 17 * x * y) % 256))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }()

    // Printed by `python3 Tests/ImagingTests/Fixtures/corruptions.py`.
    // Corruption, severity, the pixels at `positions` and the checksum of the whole image (seed 2024).
    static let corrupted: [(String, Int, [[UInt8]], Int)] = [
        ("gaussian_noise", 1, [[7, 194, 23], [73, 31, 197], [102, 190, 188], [227, 228, 120], [74, 42, 134]], 59604129),
        ("gaussian_noise", 3, [[0, 141, 29], [0, 120, 172], [190, 182, 193], [233, 155, 187], [67, 24, 217]], 59759972),
        ("gaussian_noise", 5, [[4, 132, 0], [115, 40, 187], [17, 255, 179], [209, 211, 221], [0, 13, 97]], 59639253),
        ("shot_noise", 1, [[0, 162, 0], [38, 38, 179], [153, 234, 157], [255, 196, 166], [60, 30, 132]], 59176063),
        ("shot_noise", 3, [[0, 255, 0], [21, 43, 170], [43, 213, 213], [234, 191, 106], [106, 21, 64]], 57667375),
        ("shot_noise", 5, [[0, 255, 0], [170, 170, 255], [0, 85, 255], [170, 85, 255], [170, 0, 170]], 51195500),
        ("gaussian_blur", 1, [[0, 200, 0], [45, 41, 175], [130, 198, 204], [255, 200, 124], [85, 40, 139]], 59516869),
        ("gaussian_blur", 3, [[2, 200, 5], [45, 87, 146], [130, 134, 128], [252, 200, 108], [85, 55, 103]], 59555725),
        ("gaussian_blur", 5, [[5, 197, 19], [45, 104, 139], [130, 124, 131], [249, 197, 124], [85, 87, 116]], 59484611),
        ("defocus_blur", 1, [[0, 200, 0], [45, 48, 165], [130, 184, 183], [255, 200, 117], [85, 40, 129]], 59523185),
        ("defocus_blur", 3, [[2, 200, 2], [45, 81, 142], [130, 135, 121], [253, 200, 97], [85, 40, 91]], 59576398),
        ("defocus_blur", 5, [[4, 200, 8], [45, 97, 146], [130, 125, 125], [251, 200, 120], [85, 75, 114]], 59531714),
        ("pixelate", 1, [[0, 200, 0], [45, 40, 177], [130, 200, 208], [255, 200, 125], [85, 40, 141]], 59524857),
        ("pixelate", 3, [[3, 200, 6], [45, 40, 177], [134, 200, 140], [255, 200, 125], [82, 40, 74]], 59531288),
        ("pixelate", 5, [[6, 200, 24], [42, 147, 151], [130, 147, 138], [252, 200, 108], [78, 93, 104]], 59573202),
        ("brightness", 1, [[26, 226, 26], [71, 66, 203], [156, 226, 234], [255, 226, 151], [111, 66, 167]], 71417524),
        ("brightness", 3, [[77, 255, 77], [122, 117, 254], [207, 255, 255], [255, 255, 202], [162, 117, 218]], 90563355),
        ("brightness", 5, [[128, 255, 128], [173, 168, 255], [255, 255, 255], [255, 255, 253], [213, 168, 255]], 104259056),
        ("contrast", 1, [[75, 155, 75], [93, 91, 146], [127, 155, 158], [177, 155, 125], [109, 91, 131]], 59540815),
        ("contrast", 3, [[100, 140, 100], [109, 108, 135], [126, 140, 141], [151, 140, 125], [117, 108, 128]], 59509958),
        ("contrast", 5, [[118, 128, 118], [121, 120, 127], [125, 128, 129], [131, 128, 125], [123, 120, 125]], 59377335),
        ("saturation", 1, [[23, 183, 23], [47, 43, 153], [140, 196, 202], [246, 202, 142], [81, 45, 126]], 59362524),
        ("saturation", 3, [[70, 150, 70], [52, 50, 105], [160, 188, 191], [227, 205, 175], [73, 55, 95]], 59034937),
        ("saturation", 5, [[117, 117, 117], [57, 57, 57], [180, 180, 180], [208, 208, 208], [65, 65, 65]], 58703080),
    ]
    static let shifted: [(String, Double, [[UInt8]], Int)] = [
        ("stain_intensity", 0.6, [[0, 220, 0], [90, 84, 205], [170, 220, 226], [255, 220, 166], [132, 84, 179]], 74472738),
        ("stain_intensity", 1.5, [[0, 177, 0], [19, 16, 147], [93, 177, 188], [255, 177, 88], [49, 16, 105]], 47923611),
        ("hue_rotation", 30.0, [[0, 182, 67], [90, 8, 164], [139, 175, 224], [225, 237, 118], [115, 30, 121]], 59547274),
        ("hue_rotation", -100.0, [[192, 44, 0], [17, 171, 75], [183, 220, 135], [225, 118, 236], [32, 129, 105]], 59586912),
        ("saturation", 0.5, [[59, 159, 59], [51, 49, 117], [155, 190, 194], [231, 204, 166], [75, 52, 103]], 59117004),
        ("saturation", 1.8, [[0, 255, 0], [35, 26, 255], [90, 216, 230], [255, 194, 59], [101, 20, 202]], 59992513),
        ("white_balance", 1.3, [[0, 200, 0], [59, 40, 136], [169, 200, 160], [255, 200, 96], [111, 40, 108]], 59373149),
    ]

    /// corruptions.py's checksum(): Σ (i mod 251 + 1)·sample, so any single changed sample shows.
    static func checksum(_ image: RGBImage) -> Int {
        image.pixels.enumerated().reduce(0) { $0 + ($1.offset % 251 + 1) * Int($1.element) }
    }

    static func samples(_ image: RGBImage) -> [[UInt8]] {
        positions.map { x, y in
            let pixel = image[x: x, y: y]
            return [pixel.red, pixel.green, pixel.blue]
        }
    }

    @Test(arguments: corrupted.indices)
    func corruptionMatchesNumPy(_ row: Int) throws {
        let (name, level, expected, sum) = Self.corrupted[row]
        let corruption = try #require(Corruption(rawValue: name))
        let severity = try #require(CorruptionSeverity(level))
        let image = try corruption.apply(to: Self.image, severity: severity, seed: 2024)
        #expect(Self.samples(image) == expected, "\(name) at severity \(level)")
        #expect(Self.checksum(image) == sum, "\(name) at severity \(level)")
    }

    @Test(arguments: shifted.indices)
    func colourShiftMatchesNumPy(_ row: Int) throws {
        let (name, amount, expected, sum) = Self.shifted[row]
        let kind = try #require(ColourShift.Kind(rawValue: name))
        let image = ColourShift(kind, amount: amount).apply(to: Self.image)
        #expect(Self.samples(image) == expected, "\(name) at \(amount)")
        #expect(Self.checksum(image) == sum, "\(name) at \(amount)")
    }

    @Test func everyCorruptionAndShiftIsPinned() {
        let pinned = Set(Self.corrupted.map(\.0))
        #expect(pinned == Set(Corruption.allCases.filter { $0 != .jpeg }.map(\.rawValue)))
        #expect(Set(Self.shifted.map(\.0)) == Set(ColourShift.Kind.allCases.map(\.rawValue)))
    }
}
