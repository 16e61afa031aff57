/// Rows of text laid out as aligned columns two spaces apart, for terminal output: the check table of
/// `verify`, the class counts of `data inspect`, the split tables. Trailing spaces are dropped.
public enum TextTable {
    /// Which side of its column a cell keeps to.
    public enum Alignment: Sendable {
        /// Padded on the right: names.
        case left
        /// Padded on the left: numbers.
        case right
    }

    /// `rows` as lines; column `c` is aligned as `alignments[c]`, or, past the end of `alignments`, the
    /// first column left and the others (numbers) right. Rows may have different lengths.
    public static func lines(_ rows: [[String]], alignments: [Alignment] = []) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let line = row.enumerated().map { c, cell in
                let padding = String(repeating: " ", count: widths[c] - cell.count)
                let alignment = c < alignments.count ? alignments[c] : (c == 0 ? .left : .right)
                return alignment == .left ? cell + padding : padding + cell
            }.joined(separator: "  ")
            return String(line.reversed().drop { $0 == " " }.reversed())
        }
    }
}
