import Foundation
import Imaging
import Testing
import TestSupport

/// The reference values in Fixtures/properties/properties.json, written by make_properties_fixtures.py.
private struct PropertiesFixtures: Decodable {
    struct Expected: Decodable {
        let brightness: Double
        let contrast: Double
        let redMean: Double
        let greenMean: Double
        let blueMean: Double
        let saturation: Double
        let sharpness: Double?
        let width: Int
        let height: Int
    }
    struct Synthetic: Decodable {
        let name: String
        let width: Int
        let height: Int
        let pixels: [UInt8]
    }
    struct Real: Decodable { let path: String }

    /// Each case's pixels (or path) with its NumPy values, which share the JSON object.
    let synthetic: [Synthetic]
    let syntheticExpected: [Expected]
    let real: [Real]
    let realExpected: [Expected]

    enum CodingKeys: String, CodingKey { case synthetic, real }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        synthetic = try container.decode([Synthetic].self, forKey: .synthetic)
        syntheticExpected = try container.decode([Expected].self, forKey: .synthetic)
        real = try container.decode([Real].self, forKey: .real)
        realExpected = try container.decode([Expected].self, forKey: .real)
    }

    static func load() throws -> PropertiesFixtures {
        try JSONFixture.decode(PropertiesFixtures.self, "properties/properties.json", in: Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }
}

@Suite("ImageProperties against NumPy")
struct ImagePropertiesTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func expectMatches(_ computed: ImageProperties, _ expected: PropertiesFixtures.Expected, _ name: String) {
        func close(_ a: Double?, _ b: Double?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return abs(a - b) <= 1e-9 * max(1, abs(b))
        }
        #expect(close(computed.brightness, expected.brightness), "\(name): brightness \(computed.brightness) vs \(expected.brightness)")
        #expect(close(computed.contrast, expected.contrast), "\(name): contrast \(computed.contrast) vs \(expected.contrast)")
        #expect(close(computed.redMean, expected.redMean), "\(name): red")
        #expect(close(computed.greenMean, expected.greenMean), "\(name): green")
        #expect(close(computed.blueMean, expected.blueMean), "\(name): blue")
        #expect(close(computed.saturation, expected.saturation), "\(name): saturation \(computed.saturation) vs \(expected.saturation)")
        #expect(close(computed.sharpness, expected.sharpness), "\(name): sharpness \(String(describing: computed.sharpness)) vs \(String(describing: expected.sharpness))")
        #expect(computed.width == expected.width && computed.height == expected.height, "\(name): size")
    }

    @Test("synthetic images: every property matches NumPy")
    func syntheticImagesMatch() throws {
        let fixtures = try PropertiesFixtures.load()
        for (image, expected) in zip(fixtures.synthetic, fixtures.syntheticExpected) {
            let properties = try #require(ImageProperties(RGBImage(width: image.width, height: image.height, pixels: image.pixels)))
            expectMatches(properties, expected, image.name)
        }
    }

    @Test("real malaria cells decoded by libpng match NumPy on the same PNGs decoded with zlib alone")
    func realImagesMatch() throws {
        let fixtures = try PropertiesFixtures.load()
        for (image, expected) in zip(fixtures.real, fixtures.realExpected) {
            let decoded = try ImageDecoder.decode(contentsOf: Self.repository.appendingPathComponent(image.path))
            expectMatches(try #require(ImageProperties(decoded)), expected, image.path)
        }
    }

    @Test("the subscript reads each property by name, and an image without pixels has none")
    func subscriptAndEmpty() throws {
        let image = RGBImage(width: 3, height: 3, pixels: (0..<27).map { UInt8($0 * 9) })
        let properties = try #require(ImageProperties(image))
        let values = ImageProperties.Property.allCases.map { properties[$0] }
        #expect(values == [properties.brightness, properties.contrast, properties.redMean, properties.greenMean,
                           properties.blueMean, properties.saturation, properties.sharpness, 3, 3])
        #expect(ImageProperties.Property.redMean.rawValue == "red_mean")
        #expect(ImageProperties(RGBImage(width: 0, height: 5, pixels: [])) == nil)
    }

    @Test("darkening lowers brightness, smoothing lowers sharpness")
    func plantedChangesMove() throws {
        let fixtures = try PropertiesFixtures.load()
        let decoded = try ImageDecoder.decode(contentsOf: Self.repository.appendingPathComponent(fixtures.real[0].path))
        let darkened = RGBImage(width: decoded.width, height: decoded.height, pixels: decoded.pixels.map { UInt8(Int($0) * 3 / 4) })
        let original = try #require(ImageProperties(decoded))
        let dark = try #require(ImageProperties(darkened))
        #expect(abs(dark.brightness - 0.75 * original.brightness) < 1, "\(dark.brightness) vs \(original.brightness)")
        let (noisy, smoothed) = (fixtures.synthetic[1], fixtures.synthetic[2])
        let sharp = try #require(ImageProperties(RGBImage(width: noisy.width, height: noisy.height, pixels: noisy.pixels))?.sharpness)
        let smooth = try #require(ImageProperties(RGBImage(width: smoothed.width, height: smoothed.height, pixels: smoothed.pixels))?.sharpness)
        #expect(smooth < sharp / 2, "\(smoothed.name): \(smooth) against \(sharp)")
    }
}
