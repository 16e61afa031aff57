import Foundation
import Imaging
import Testing

/// Every variant must match Pillow byte for byte: PNG decoding is exact by nature, and
/// Pillow's JPEG decoder is libjpeg-turbo with the settings CCodecs uses.
@Suite struct DecodeTests {
    @Test(arguments: Fixture.all)
    func matchesPillowExactly(_ fixture: Fixture) throws {
        let image = try ImageDecoder.decode(contentsOf: fixture.url)
        let expected = try fixture.expectedPixels()
        #expect(image.width == fixture.width)
        #expect(image.height == fixture.height)
        #expect(expected.count == fixture.width * fixture.height * 3)
        let differing = zip(image.pixels, expected).filter { $0 != $1 }.count
        #expect(image.pixels == expected, "\(differing) of \(expected.count) samples differ from Pillow")
    }

    @Test func subscriptAddressesRowMajorPixels() throws {
        let fixture = Fixture.png("rgb8.png")
        let image = try ImageDecoder.decode(contentsOf: fixture.url)
        let expected = try fixture.expectedPixels()
        let (x, y) = (7, 5)
        let offset = (y * fixture.width + x) * 3
        let pixel = image[x: x, y: y]
        #expect([pixel.red, pixel.green, pixel.blue] == Array(expected[offset..<offset + 3]))
    }

    @Test func sniffsFormatFromBytesNotName() throws {
        let png = try [UInt8](Data(contentsOf: Fixture.png("rgb8.png").url))
        let image = try ImageDecoder.decode(png, name: "misnamed.jpg")
        #expect(image.pixels == (try Fixture.png("rgb8.png").expectedPixels()))
    }

    @Test func limitIsInclusive() throws {
        let url = Fixture.png("rgb8.png").url  // 13 x 9 = 117 pixels
        #expect(try ImageDecoder.decode(contentsOf: url, limits: DecodeLimits(maxPixels: 117)).width == 13)
        let error = #expect(throws: ImageError.self) {
            try ImageDecoder.decode(contentsOf: url, limits: DecodeLimits(maxPixels: 116))
        }
        #expect(error?.kind == .tooLarge)
    }
}
