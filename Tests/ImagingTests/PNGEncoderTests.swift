import Foundation
import Imaging
import TestSupport
import Testing

@Suite struct PNGEncoderTests {
    let image = RGBImage(width: 17, height: 11, pixels: TestImages.noise(count: 17 * 11 * 3, seed: 7))

    @Test func roundTripsThroughDecoder() throws {
        let png = try PNGEncoder.encode(image)
        #expect(try ImageDecoder.decode(png, name: "encoded.png") == image)
    }

    @Test func rgbaIsCompositedOnBlackWhenDecoded() throws {
        let rgba = TestImages.noise(count: 9 * 5 * 4, seed: 11)
        let decoded = try ImageDecoder.decode(PNGEncoder.encodeRGBA(rgba, width: 9, height: 5), name: "rgba.png")
        var expected: [UInt8] = []
        for pixel in stride(from: 0, to: rgba.count, by: 4) {
            let alpha = Int(rgba[pixel + 3])
            for channel in 0..<3 {
                expected.append(UInt8((Int(rgba[pixel + channel]) * alpha + 127) / 255))
            }
        }
        #expect(decoded == RGBImage(width: 9, height: 5, pixels: expected))
    }

    @Test func rejectsWhatPNGCannotHold() {
        let error = #expect(throws: ImageError.self) {
            try PNGEncoder.encode(RGBImage(width: 0, height: 0, pixels: []))
        }
        #expect(error?.kind == .encodingFailed)
        #expect(error?.reason.contains("Invalid IHDR data") == true, "\(String(describing: error))")
        let mismatched = #expect(throws: ImageError.self) {
            try PNGEncoder.encodeRGBA([1, 2, 3], width: 1, height: 1)
        }
        #expect(mismatched?.kind == .encodingFailed)
    }

    @Test func writeReplacesAtomicallyWithoutLeftovers() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("out.png")
        try Data("old content".utf8).write(to: url)
        try PNGEncoder.write(image, to: url)
        #expect(try ImageDecoder.decode(contentsOf: url) == image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.png"])
    }

    @Test func writeIntoMissingFolderNamesTheFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("missing/out.png")
        let error = #expect(throws: ImageError.self) { try PNGEncoder.write(image, to: url) }
        #expect(error?.kind == .unwritable)
        #expect(error?.description.contains(url.path) == true)
    }

    @Test func pythonZlibReadsOurPNG() throws {
        let result = try checkWithPython(Python.zlibPNGCheck)
        #expect(result.status == 0 && result.output.hasSuffix("ok\n"), "\(result.errors)\(result.output)")
    }

    /// Skipped (and reported as skipped) where Pillow is not installed; the zlib check still runs.
    @Test(.enabled(if: Python.canImportPillow, "Pillow is not installed"))
    func pillowReadsOurPNG() throws {
        let result = try checkWithPython(Python.pillowPNGCheck)
        #expect(result.status == 0 && result.output.hasSuffix("ok\n"), "\(result.errors)\(result.output)")
    }

    private func checkWithPython(_ script: String) throws -> Python.Result {
        let folder = try TemporaryFolder()
        let png = folder.url.appendingPathComponent("image.png")
        let raw = folder.url.appendingPathComponent("image.rgb")
        try PNGEncoder.write(image, to: png)
        try Data(image.pixels).write(to: raw)
        return try Python.run(script: script, [png.path, raw.path, "\(image.width)", "\(image.height)"])
    }
}
