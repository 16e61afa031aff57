import Formatting
import Testing

/// The one escaping function for XML and HTML: JUnit, the HTML report and SVG charts all rest on it.
@Suite struct MarkupTextTests {
    @Test func escapingCoversMarkupBreaksAndForbiddenCharacters() {
        #expect(MarkupText.escaped("a<b & c>d \"q\" 'a' \u{1}end") == "a&lt;b &amp; c&gt;d &quot;q&quot; &apos;a&apos; \u{FFFD}end")
        #expect(MarkupText.escaped("a\tb\nc\r\nd") == "a&#9;b&#10;c&#13;&#10;d")
        #expect(MarkupText.escaped("a\tb\nc\r\nd", inAttribute: false) == "a\tb\nc&#13;\nd")
        #expect(MarkupText.escaped("\u{0}\u{8}\u{B}\u{C}\u{1F}\u{FFFE}\u{FFFF}") == String(repeating: "\u{FFFD}", count: 7))
        #expect(MarkupText.escaped("ünïcödé ≥ 0.9 😀 \u{7F}\u{85}") == "ünïcödé ≥ 0.9 😀 \u{7F}\u{85}")
    }
}
