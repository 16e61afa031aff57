import Foundation

/// Names the group (patient, slide, subject) of an image from its file name with a regular
/// expression: the text of its first capture group, or of the whole match when it has none.
///
/// The pattern is searched for anywhere in the file name (not the path); anchor it with `^`
/// to read a prefix, e.g. `^(C[0-9]+)` for the malaria cells' patients
/// (`C100P61ThinF_IMG_20150918_144104_cell_162.png` → `C100`). A name the pattern does not
/// match, or whose group comes out empty, is an error naming the file: an image is never
/// put in a group of its own silently.
public struct GroupPattern: Sendable, CustomStringConvertible {
    /// The regular expression as given (ICU syntax).
    public let pattern: String
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let regex: NSRegularExpression

    /// Compiles `pattern`, or throws `DatasetError.invalidGroupPattern`.
    public init(_ pattern: String) throws {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw DatasetError.invalidGroupPattern(pattern: pattern, reason: "\(error)")
        }
        self.pattern = pattern
    }

    /// The group of the file at `path` (only its last component is matched).
    public func group(of path: String) throws -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let whole = NSRange(name.startIndex..<name.endIndex, in: name)
        guard let match = regex.firstMatch(in: name, range: whole) else {
            throw DatasetError.ungroupedFile(path: path, pattern: pattern)
        }
        let captured = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        // An optional capture group that did not take part has location NSNotFound.
        guard captured.location != NSNotFound, captured.length > 0, let range = Range(captured, in: name) else {
            throw DatasetError.ungroupedFile(path: path, pattern: pattern)
        }
        return String(name[range])
    }

    /// The pattern.
    public var description: String { pattern }
}
