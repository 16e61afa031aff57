/// Text from checks and files as one displayable line, for the terminal and for report cells.
public enum PlainText {
    /// `text` with line breaks and tabs as spaces and every other control character as U+FFFD: breaks would
    /// split a table row or a Markdown cell, and escape sequences could rewrite the terminal.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory != .control {
                scalars.append(scalar)
            } else {
                scalars.append(["\n", "\r", "\t"].contains(scalar) ? " " : "\u{FFFD}")
            }
        }
        return String(scalars)
    }
}
