/// A place in a spec file: line and column, both counted from 1 (columns in Unicode scalars).
public struct SpecPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    /// The position at `line`, `column`.
    public init(line: Int, column: Int) { (self.line, self.column) = (line, column) }

    /// Earlier in the file first.
    public static func < (a: SpecPosition, b: SpecPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// "14:5".
    public var description: String { "\(line):\(column)" }
}
