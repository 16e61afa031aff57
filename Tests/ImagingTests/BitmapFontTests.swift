import Imaging
import Testing

@Suite struct BitmapFontTests {
    let font = BitmapFont.standard
    static let printable = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }

    /// The inked pixels of `text` drawn black at (`x`, `y`) on a white canvas.
    func ink(
        _ text: String, scale: Int = 1, direction: BitmapFont.Direction = .horizontal, x: Int = 3, y: Int = 3,
        size: (Int, Int) = (200, 60)
    ) -> Set<[Int]> {
        var canvas = Canvas(width: size.0, height: size.1)
        font.draw(text, on: &canvas, x: x, y: y, scale: scale, color: .black, direction: direction)
        var inked: Set<[Int]> = []
        for py in 0..<canvas.height {
            for px in 0..<canvas.width where canvas[px, py] != .white { inked.insert([px, py]) }
        }
        return inked
    }

    @Test func everyPrintableCharacterButSpaceHasInkInsideItsBox() {
        for character in Self.printable {
            let text = String(character)
            let inked = ink(text)
            #expect(font.covers(character), "\(text)")
            if character == " " {
                #expect(inked.isEmpty)
                continue
            }
            #expect(!inked.isEmpty, "glyph \(text) is blank")
            let box = PixelRect(x: 3, y: 3, width: font.width(of: text), height: font.lineHeight())
            #expect(inked.allSatisfy { box.contains(x: $0[0], y: $0[1]) }, "glyph \(text) leaves its box")
        }
    }

    @Test func glyphsAreAllDifferent() {
        // Catches a glyph pasted twice, and look-alikes such as O and 0 or l and 1 drawn the same.
        let shapes = Self.printable.map { ink(String($0)) }
        #expect(Set(shapes).count == Self.printable.count)
    }

    @Test func inkReachesBothEndsOfTheMeasuredWidth() {
        for text in ["20", "0.25", "Loss", "-3e-5", "W"] {
            let columns = ink(text).map { $0[0] }
            #expect(columns.min() == 3, "\(text)")
            #expect(columns.max() == 3 + font.width(of: text) - 1, "\(text)")
        }
    }

    @Test func widthAddsGlyphsAndSpacingAndScales() {
        #expect(font.width(of: "") == 0)
        #expect(font.width(of: "0") == 5)
        #expect(font.width(of: "00") == 11)
        #expect(font.width(of: "i") < font.width(of: "m"))
        #expect(font.width(of: "0.5", scale: 3) == 3 * font.width(of: "0.5"))
        #expect(font.lineHeight(scale: 2) == 18)
        // Tick labels line up when every digit has the same width.
        #expect(Set("0123456789".map { font.width(of: String($0)) }).count == 1)
    }

    @Test func onlyDescendersReachBelowTheBaseline() {
        let baseline = 3 + font.ascent
        for text in ["g", "j", "p", "q", "y", ",", ";", "_"] {
            #expect(ink(text).contains { $0[1] >= baseline }, "\(text)")
        }
        for text in ["a", "b", "x", "0", "A", ".", "%"] {
            #expect(!ink(text).contains { $0[1] >= baseline }, "\(text)")
        }
    }

    @Test func scaleTwoIsEachPixelDoubled() {
        let small = ink("Ab3", x: 0, y: 0)
        let large = ink("Ab3", scale: 2, x: 0, y: 0)
        let expected = Set(small.flatMap { p in [[0, 0], [1, 0], [0, 1], [1, 1]].map { [2 * p[0] + $0[0], 2 * p[1] + $0[1]] } })
        #expect(large == expected)
    }

    @Test func upwardTextIsHorizontalTextTurnedAnticlockwise() {
        let text = "loss (x)"
        let flat = ink(text, x: 0, y: 0, size: (80, 80))
        let upward = ink(text, direction: .upward, x: 0, y: 0, size: (80, 80))
        let length = font.width(of: text)
        // Turning anticlockwise sends column c, row r to column r, row length - 1 - c.
        #expect(upward == Set(flat.map { [$0[1], length - 1 - $0[0]] }))
    }

    @Test func charactersWithoutGlyphsShowAsABox() {
        #expect(!font.covers("é"))
        #expect(!font.covers("\n"))
        #expect(ink("é") == ink("\u{2603}"))
        #expect(!ink("é").isEmpty)
        #expect(font.width(of: "aéb") == font.width(of: "a") + font.width(of: "é") + font.width(of: "b") + 2)
    }

    @Test func textOffTheCanvasIsClippedNotACrash() {
        #expect(ink("clipped", x: -20, y: -4, size: (10, 5)).count > 0)
        #expect(ink("gone", x: 500, y: 500).isEmpty)
    }
}
