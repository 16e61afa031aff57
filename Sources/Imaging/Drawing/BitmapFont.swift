/// A built-in pixel font for chart text, covering printable ASCII, drawn at whole-number scales.
///
/// Glyphs are 7 pixels tall above the baseline with 2 more for descenders; most are 5 wide
/// (digits always are, so numbers line up) and narrow ones such as `i` or `.` are narrower.
/// Characters outside printable ASCII are drawn as an empty box, so they show up as missing
/// rather than vanishing.
public struct BitmapFont: Sendable {
    /// Which way text runs.
    public enum Direction: Sendable, Hashable {
        /// Left to right, upright.
        case horizontal
        /// Bottom to top, turned a quarter turn anticlockwise, as y-axis titles are.
        case upward
    }

    private struct Glyph: Sendable {
        let width: Int
        /// One bit mask per row from the top; bit `width - 1 - column` is set where the glyph is inked.
        let rows: [UInt8]
    }

    /// The font charts use.
    public static let standard = BitmapFont()

    /// Unscaled pixels from the top of a line to the baseline: the height of capitals and digits.
    public let ascent = 7
    /// Unscaled pixels below the baseline that descenders (g, p, y, comma) reach.
    public let descent = 2
    /// Unscaled pixels between neighbouring glyphs.
    public let spacing = 1

    private let glyphs: [Glyph]
    private let missing = Glyph(width: 5, rows: [0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111])

    private init() {
        glyphs = Self.designs.map { design in
            let rows = design.split(separator: " ")
            return Glyph(
                width: rows[0].count,
                rows: rows.map { row in row.reduce(UInt8(0)) { bits, pixel in bits << 1 | (pixel == "#" ? 1 : 0) } })
        }
    }

    /// Height of a line of text at `scale`, descenders included.
    public func lineHeight(scale: Int = 1) -> Int { (ascent + descent) * max(1, scale) }

    /// Width in pixels of `text` drawn horizontally at `scale` (its height when drawn upward).
    public func width(of text: String, scale: Int = 1) -> Int {
        let glyphWidths = text.map { glyph(for: $0).width + spacing }.reduce(0, +)
        return max(0, glyphWidths - spacing) * max(1, scale)
    }

    /// Whether `character` has a glyph of its own rather than the missing-glyph box.
    public func covers(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (32...126).contains(ascii)
    }

    /// Draws `text` with the top-left corner of its box at (`x`, `y`).
    ///
    /// The box is `width(of:scale:)` × `lineHeight(scale:)` for horizontal text and the same
    /// turned on its side for upward text.
    public func draw(
        _ text: String, on canvas: inout Canvas, x: Int, y: Int, scale: Int = 1, color: RGBColor,
        direction: Direction = .horizontal
    ) {
        let scale = max(1, scale)
        let textWidth = width(of: text, scale: scale)
        var pen = 0
        for character in text {
            let glyph = glyph(for: character)
            for (row, bits) in glyph.rows.enumerated() where bits != 0 {
                for column in 0..<glyph.width where bits >> (glyph.width - 1 - column) & 1 == 1 {
                    let along = pen + column * scale, across = row * scale
                    let block: PixelRect
                    switch direction {
                    case .horizontal:
                        block = PixelRect(x: x + along, y: y + across, width: scale, height: scale)
                    case .upward:
                        block = PixelRect(x: x + across, y: y + textWidth - along - scale, width: scale, height: scale)
                    }
                    canvas.fill(block, with: color)
                }
            }
            pen += (glyph.width + spacing) * scale
        }
    }

    private func glyph(for character: Character) -> Glyph {
        guard covers(character), let ascii = character.asciiValue else { return missing }
        return glyphs[Int(ascii) - 32]
    }

    /// Printable ASCII from space to tilde, one string per glyph: rows from the top separated
    /// by spaces, `#` inked. Rows 8 and 9, where present, hang below the baseline.
    private static let designs: [String] = [
        "... ... ... ... ... ... ...",  // space
        "# # # # # . #",  // !
        "#.# #.# ... ... ... ... ...",  // "
        ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",  // #
        "..#.. .#### #.#.. .###. ..#.# ####. ..#..",  // $
        "##..# ##..# ...#. ..#.. .#... #..## #..##",  // %
        ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",  // &
        "# # . . . . .",  // '
        "..# .#. #.. #.. #.. .#. ..#",  // (
        "#.. .#. ..# ..# ..# .#. #..",  // )
        "..... ..#.. #.#.# .###. #.#.# ..#.. .....",  // *
        "..... ..#.. ..#.. ##### ..#.. ..#.. .....",  // +
        ".. .. .. .. .. ## ## .# #.",  // ,
        ".... .... .... #### .... .... ....",  // -
        ".. .. .. .. .. ## ##",  // .
        "....# ....# ...#. ..#.. .#... #.... #....",  // /
        ".###. #...# #..## #.#.# ##..# #...# .###.",  // 0
        "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",  // 1
        ".###. #...# ....# ...#. ..#.. .#... #####",  // 2
        ".###. #...# ....# ..##. ....# #...# .###.",  // 3
        "...#. ..##. .#.#. #..#. ##### ...#. ...#.",  // 4
        "##### #.... ####. ....# ....# #...# .###.",  // 5
        "..##. .#... #.... ####. #...# #...# .###.",  // 6
        "##### ....# ...#. ..#.. .#... .#... .#...",  // 7
        ".###. #...# #...# .###. #...# #...# .###.",  // 8
        ".###. #...# #...# .#### ....# ...#. .##..",  // 9
        ".. ## ## .. .. ## ##",  // :
        ".. ## ## .. .. ## ## .# #.",  // ;
        "...# ..#. .#.. #... .#.. ..#. ...#",  // <
        "..... ..... ##### ..... ##### ..... .....",  // =
        "#... .#.. ..#. ...# ..#. .#.. #...",  // >
        ".###. #...# ....# ...#. ..#.. ..... ..#..",  // ?
        ".###. #...# #.### #.#.# #.### #.... .####",  // @
        ".###. #...# #...# ##### #...# #...# #...#",  // A
        "####. #...# #...# ####. #...# #...# ####.",  // B
        ".###. #...# #.... #.... #.... #...# .###.",  // C
        "####. #...# #...# #...# #...# #...# ####.",  // D
        "##### #.... #.... ####. #.... #.... #####",  // E
        "##### #.... #.... ####. #.... #.... #....",  // F
        ".###. #...# #.... #.### #...# #...# .####",  // G
        "#...# #...# #...# ##### #...# #...# #...#",  // H
        "### .#. .#. .#. .#. .#. ###",  // I
        "..### ...#. ...#. ...#. ...#. #..#. .##..",  // J
        "#...# #..#. #.#.. ##... #.#.. #..#. #...#",  // K
        "#.... #.... #.... #.... #.... #.... #####",  // L
        "#...# ##.## #.#.# #.#.# #...# #...# #...#",  // M
        "#...# #...# ##..# #.#.# #..## #...# #...#",  // N
        ".###. #...# #...# #...# #...# #...# .###.",  // O
        "####. #...# #...# ####. #.... #.... #....",  // P
        ".###. #...# #...# #...# #.#.# #..#. .##.#",  // Q
        "####. #...# #...# ####. #.#.. #..#. #...#",  // R
        ".###. #...# #.... .###. ....# #...# .###.",  // S
        "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",  // T
        "#...# #...# #...# #...# #...# #...# .###.",  // U
        "#...# #...# #...# #...# #...# .#.#. ..#..",  // V
        "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",  // W
        "#...# #...# .#.#. ..#.. .#.#. #...# #...#",  // X
        "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",  // Y
        "##### ....# ...#. ..#.. .#... #.... #####",  // Z
        "### #.. #.. #.. #.. #.. ###",  // [
        "#.... #.... .#... ..#.. ...#. ....# ....#",  // backslash
        "### ..# ..# ..# ..# ..# ###",  // ]
        "..#.. .#.#. #...# ..... ..... ..... .....",  // ^
        "..... ..... ..... ..... ..... ..... ..... #####",  // _
        "#. .# .. .. .. .. ..",  // `
        "..... ..... .###. ....# .#### #...# .####",  // a
        "#.... #.... ####. #...# #...# #...# ####.",  // b
        "..... ..... .###. #...# #.... #...# .###.",  // c
        "....# ....# .#### #...# #...# #...# .####",  // d
        "..... ..... .###. #...# ##### #.... .###.",  // e
        "..## .#.. ###. .#.. .#.. .#.. .#..",  // f
        "..... ..... .#### #...# #...# #...# .#### ....# .###.",  // g
        "#.... #.... #.##. ##..# #...# #...# #...#",  // h
        ".#. ... ##. .#. .#. .#. ###",  // i
        "...# .... ..## ...# ...# ...# ...# #..# .##.",  // j
        "#... #... #..# #.#. ##.. #.#. #..#",  // k
        "##. .#. .#. .#. .#. .#. ###",  // l
        "..... ..... ##.#. #.#.# #.#.# #...# #...#",  // m
        "..... ..... #.##. ##..# #...# #...# #...#",  // n
        "..... ..... .###. #...# #...# #...# .###.",  // o
        "..... ..... ####. #...# #...# #...# ####. #.... #....",  // p
        "..... ..... .#### #...# #...# #...# .#### ....# ....#",  // q
        "..... ..... #.##. ##..# #.... #.... #....",  // r
        "..... ..... .#### #.... .###. ....# ####.",  // s
        ".#.. .#.. ###. .#.. .#.. .#.. ..##",  // t
        "..... ..... #...# #...# #...# #..## .##.#",  // u
        "..... ..... #...# #...# #...# .#.#. ..#..",  // v
        "..... ..... #...# #...# #.#.# #.#.# .#.#.",  // w
        "..... ..... #...# .#.#. ..#.. .#.#. #...#",  // x
        "..... ..... #...# #...# #...# #...# .#### ....# .###.",  // y
        "..... ..... ##### ...#. ..#.. .#... #####",  // z
        "..# .#. .#. #.. .#. .#. ..#",  // {
        "# # # # # # # # #",  // |
        "#.. .#. .#. ..# .#. .#. #..",  // }
        "..... ..... .#... #.#.# ...#. ..... .....",  // ~
    ]
}
