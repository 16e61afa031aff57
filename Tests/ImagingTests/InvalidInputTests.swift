import Foundation
import Imaging
import Testing

/// Each broken input must fail with an error naming the file, never crash or return pixels.
@Suite struct InvalidInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let kind: ImageError.Kind
        let reason: String
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "empty.png", kind: .unsupportedFormat, reason: "empty file"),
        Case(file: "text.png", kind: .unsupportedFormat, reason: "not a PNG or JPEG file (starts with 74 68 69 73"),
        Case(file: "image.gif", kind: .unsupportedFormat, reason: "starts with 47 49 46 38"),
        Case(file: "truncated_signature.png", kind: .decodingFailed, reason: "unexpected end of file"),
        Case(file: "truncated.png", kind: .decodingFailed, reason: "unexpected end of file"),
        Case(file: "bad_crc.png", kind: .decodingFailed, reason: "IDAT: CRC error"),
        Case(file: "corrupt_idat.png", kind: .decodingFailed, reason: "IDAT: invalid stored block lengths"),
        Case(file: "bad_crc_ancillary.png", kind: .decodingFailed, reason: "tEXt: CRC error"),
        Case(file: "lying_header.png", kind: .decodingFailed, reason: "invalid PNG"),
        Case(file: "no_idat.png", kind: .decodingFailed, reason: "invalid PNG"),
        Case(file: "truncated_header.jpg", kind: .decodingFailed, reason: "Premature end of JPEG file"),
        Case(file: "truncated.jpg", kind: .decodingFailed, reason: "Premature end of JPEG file"),
        Case(file: "truncated_progressive.jpg", kind: .decodingFailed, reason: "Premature end of JPEG file"),
        Case(file: "lying_header.jpg", kind: .decodingFailed, reason: "premature end of data segment"),
        Case(file: "bomb.png", kind: .tooLarge, reason: "100000x100000"),
        Case(file: "bomb.jpg", kind: .tooLarge, reason: "60000x60000"),
    ]

    @Test(arguments: cases)
    func isRejected(_ testCase: Case) {
        let error = #expect(throws: ImageError.self) {
            try ImageDecoder.decode(contentsOf: Fixture.invalid(testCase.file))
        }
        #expect(error?.kind == testCase.kind)
        #expect(error?.description.contains(testCase.file) == true, "\(String(describing: error))")
        #expect(error?.reason.contains(testCase.reason) == true, "\(String(describing: error))")
    }

    /// The limit must be enforced from the header alone: allocating 10^10 RGB pixels
    /// would take 30 GB and seconds, so speed shows nothing was allocated or decoded.
    @Test(arguments: ["bomb.png", "bomb.jpg"])
    func decompressionBombIsRefusedQuickly(_ file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Fixture.invalid(file)))
        let clock = ContinuousClock()
        var error: ImageError?
        let elapsed = clock.measure {
            error = #expect(throws: ImageError.self) { try ImageDecoder.decode(bytes, name: file) }
        }
        #expect(elapsed < .milliseconds(100))
        #expect(error?.description.contains("above the decode limit of 100000000 pixels") == true)
    }

    @Test func missingFileIsUnreadable() {
        let url = Fixture.invalid("does-not-exist.png")
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(contentsOf: url) }
        #expect(error?.kind == .unreadable)
        #expect(error?.file == url.path)
    }

    /// A truncated image must never come back padded: every cut of a valid file fails.
    @Test(arguments: ["rgb8.png", "interlaced_rgba8.png", "baseline420.jpg", "progressive.jpg"])
    func everyTruncationFails(_ file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Fixture.root.appendingPathComponent("decode/\(file)")))
        var accepted: [Int] = []
        for length in 0..<bytes.count where (try? ImageDecoder.decode(Array(bytes[..<length]), name: file)) != nil {
            accepted.append(length)
        }
        #expect(accepted.isEmpty, "cuts decoded without error: \(accepted)")
    }
}
