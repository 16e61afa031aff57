import Testing
import Imaging

@Suite struct ImageTransformTests {
    /// A 3×2 image whose pixel (x, y) has red = 10·y + x, so positions can be read back.
    static let image = RGBImage(width: 3, height: 2, pixels: [0, 1, 2, 10, 11, 12].flatMap { [UInt8($0), 0, 7] })
    static func reds(_ i: RGBImage) -> [UInt8] { stride(from: 0, to: i.pixels.count, by: 3).map { i.pixels[$0] } }

    @Test func eachTransformMatchesItsDefinition() {
        // Expected grids written out by hand (NumPy's rot90 convention: counter-clockwise).
        //   original   0  1  2
        //             10 11 12
        let cases: [(ImageTransform, Int, Int, [UInt8])] = [
            (.identity, 3, 2, [0, 1, 2, 10, 11, 12]),
            (.rotate90, 2, 3, [2, 12, 1, 11, 0, 10]),
            (.rotate180, 3, 2, [12, 11, 10, 2, 1, 0]),
            (.rotate270, 2, 3, [10, 0, 11, 1, 12, 2]),
            (.flipHorizontal, 3, 2, [2, 1, 0, 12, 11, 10]),
            (.flipVertical, 3, 2, [10, 11, 12, 0, 1, 2]),
            (.transpose, 2, 3, [0, 10, 1, 11, 2, 12]),
            (.antiTranspose, 2, 3, [12, 2, 11, 1, 10, 0]),
        ]
        for (t, w, h, reds) in cases {
            let out = t.apply(Self.image)
            #expect(out.width == w && out.height == h, "\(t)")
            #expect(Self.reds(out) == reds, "\(t)")
            #expect(stride(from: 1, to: out.pixels.count, by: 3).allSatisfy { out.pixels[$0] == 0 && out.pixels[$0 + 1] == 7 })
        }
    }

    @Test func compositionAndInverseAgreeWithApplyingInTurn() {
        let odd = RGBImage(width: 5, height: 4, pixels: (0..<60).map { UInt8($0) })
        for a in ImageTransform.allCases {
            #expect(a.inverse.apply(a.apply(odd)) == odd)
            for b in ImageTransform.allCases {
                #expect(a.then(b).apply(odd) == b.apply(a.apply(odd)), "\(a) then \(b)")
            }
        }
        #expect(ImageTransform.flipHorizontal.then(.flipVertical) == .rotate180)
        #expect(ImageTransform.rotate90.then(.rotate90).then(.rotate90) == .rotate270)
    }
}
