import Formatting
import Testing

@Suite struct TextTableTests {
    @Test func firstColumnLeftOthersRightTrailingSpacesDropped() {
        let lines = TextTable.lines([["class", "images"], ["parasitized", "7"], ["x", "1234"]])
        #expect(lines == ["class        images", "parasitized       7", "x              1234"])
    }

    @Test func alignmentsAreChosenPerColumn() {
        let lines = TextTable.lines([["check", "value", "verdict"], ["a", "0.5", "INCONCLUSIVE"], ["bb", "12.35", "PASS"]],
                                    alignments: [.left, .right, .left])
        #expect(lines == ["check  value  verdict", "a        0.5  INCONCLUSIVE", "bb     12.35  PASS"])
    }

    @Test func raggedRowsAndWideLetters() {
        // Widths count characters as a reader sees them: "Ü" and "–" are one each.
        let lines = TextTable.lines([["Ünïcode – a", "1"], ["b"], []])
        #expect(lines == ["Ünïcode – a  1", "b", ""])
    }
}
