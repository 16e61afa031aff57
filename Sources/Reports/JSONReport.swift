import Checks
import Foundation

/// A verification result as JSON for programs: every stored field of `VerificationResult`, plus the `outcome`
/// and `exitCode` it implies, which its synthesised Codable conformance leaves out as they are computed.
/// Decoding the document as a `VerificationResult` gives back the result (the two extra keys are ignored).
public enum JSONReport {
    /// Pretty-printed, key-sorted UTF-8 JSON ending in a newline. A non-finite measurement (a NaN
    /// model's softmax error is infinite) is written as the string "inf", "-inf" or "nan", as JSON
    /// has no such numbers; `decoder` reads them back.
    public static func render(_ result: VerificationResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Sorted keys make two reports of the same result byte-identical, so they diff and hash cleanly.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Document(result: result))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// A decoder for these documents: reads "inf", "-inf" and "nan" back as numbers.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The result's own keys and the computed ones side by side in one object, rather than the result nested
    /// under a key, so the document decodes directly as a `VerificationResult`.
    private struct Document: Encodable {
        let result: VerificationResult

        private enum ComputedKeys: String, CodingKey {
            case outcome, exitCode
        }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: ComputedKeys.self)
            try container.encode(result.outcome, forKey: .outcome)
            try container.encode(result.outcome.exitCode, forKey: .exitCode)
        }
    }
}
