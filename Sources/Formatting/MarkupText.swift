/// Text made safe inside XML and HTML: the one escaping function for the JUnit report, the HTML report and SVG charts.
public enum MarkupText {
    /// Text safe in attribute values (or, with `inAttribute: false`, element content): the five markup characters
    /// as entities; tab and line feed as character references in attributes, where parsers would normalise them
    /// to spaces, and carriage return everywhere, as parsers turn it into a line feed; and the characters XML 1.0
    /// forbids even as references (the other C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD, as no escape can
    /// carry them.
    public static func escaped(_ text: String, inAttribute: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += inAttribute ? "&#9;" : "\t"
            case "\n": out += inAttribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
