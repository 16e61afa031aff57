import Foundation

/// A validated value of a check's key, as the spec gave it or as its default.
public enum CheckValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    /// A string or a choice among names.
    case text(String)
    /// Resolved against the spec's folder.
    case path(URL)
    case list([CheckValue])

    /// How the value reads in the catalogue and docs/checks.md, as a spec would write it.
    public var spelling: String {
        switch self {
        case .number(let x): String(format: "%g", x).replacingOccurrences(of: "e-0", with: "e-")
        case .integer(let n): String(n)
        case .text(let s): s
        case .path(let url): url.path
        case .list(let items): "[" + items.map(\.spelling).joined(separator: ", ") + "]"
        }
    }
}
