import Foundation

/// One problem with a spec, where it is: prints as `file:line:column: message`.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The spec as the user named it, e.g. "Specs/malaria.spec".
    public var file: String
    /// Line and column from 1; both 0 when the problem is the whole file (it cannot be read).
    public var line: Int
    public var column: Int
    /// What is wrong, and where it helps, how to fix it.
    public var message: String

    /// A problem at `line`:`column` of `file`.
    public init(file: String, line: Int, column: Int, message: String) {
        (self.file, self.line, self.column, self.message) = (file, line, column, message)
    }

    /// A problem at `position` of `file`.
    public init(file: String, at position: SpecPosition, _ message: String) {
        self.init(file: file, line: position.line, column: position.column, message: message)
    }

    /// `file:line:column: message`, or `file: message` for the whole file (the form compilers
    /// use, so editors and CI annotations can jump to the place).
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

/// Every problem found in a spec, in file order: thrown once, so a user fixes all in one go.
public struct SpecErrors: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The problems sorted by line, then column; problems at one place keep the order found.
    public let errors: [SpecError]

    /// The problems, sorted by position.
    public init(_ errors: [SpecError]) {
        self.errors = errors.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
    }

    /// Problems printed at most; a spec with a million unknown keys should not print a million lines.
    public static let printedLimit = 50

    /// One problem per line, the first `printedLimit` of them and how many more there are.
    public var description: String {
        let shown = errors.prefix(Self.printedLimit).map(\.description)
        let more = errors.count - shown.count
        return (shown + (more > 0 ? ["… and \(more) more problems in the same spec"] : [])).joined(separator: "\n")
    }

    /// The same text, for callers that print `localizedDescription`.
    public var errorDescription: String? { description }
}
