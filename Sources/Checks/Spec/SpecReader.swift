import Foundation
import Yams

/// Reads values out of a spec's YAML nodes and collects every problem with its position. The
/// parser uses it for the fixed sections and hands it to each check key's validator, so a check
/// defined anywhere reports its errors the same way, all at once.
public struct SpecReader {
    /// The spec as the user named it, for messages.
    public let file: String
    /// Where relative paths resolve: the spec's folder.
    public let baseDirectory: URL
    /// Whether inputs the spec names must exist now.
    public let checkFiles: Bool
    /// Every problem so far, in the order found.
    public private(set) var errors: [SpecError] = []

    /// A reader reporting problems under the name `file`, resolving paths against `baseDirectory`.
    public init(file: String, baseDirectory: URL, checkFiles: Bool) {
        (self.file, self.baseDirectory, self.checkFiles) = (file, baseDirectory.absoluteURL.standardizedFileURL, checkFiles)
    }

    // MARK: - Scalars

    /// A scalar's text; anything else (a list, nothing) is reported.
    public mutating func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            report(node, "\(key): expected a string, got \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// A name that can be part of a file name: letters, digits, '.', '_' and '-'.
    public mutating func identifier(_ node: Node, _ key: String) -> String? {
        guard let text = string(node, key) else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !text.isEmpty, text.allSatisfy(allowed.contains) else {
            report(node, "\(key): '\(text)' may only contain letters, digits, '.', '_' and '-'")
            return nil
        }
        // As a file name these would be the folder itself or its parent.
        guard text.contains(where: { $0 != "." }) else {
            report(node, "\(key): '\(text)' needs a letter, digit, '_' or '-'")
            return nil
        }
        return text
    }

    /// An unquoted integer of at least `minimum` and at most `maximum`; `hint` is appended to a range error.
    public mutating func integer(_ node: Node, _ key: String, atLeast minimum: Int?, atMost maximum: Int? = nil,
                                 hint: String = "") -> Int? {
        guard let scalar = node.scalar, !Self.isQuoted(scalar), node.tagName == .int, let value = Int.construct(from: scalar) else {
            report(node, "\(key): expected \(minimum == 0 ? "a non-negative integer" : "an integer"), got \(Self.describe(node))")
            return nil
        }
        if let minimum, value < minimum {
            report(node, "\(key): must be at least \(minimum), got \(value)" + hint)
            return nil
        }
        if let maximum, value > maximum {
            report(node, "\(key): must be at most \(maximum), got \(value)" + hint)
            return nil
        }
        return value
    }

    /// A finite number; integers are numbers too.
    public mutating func number(_ node: Node, _ key: String) -> Double? {
        var value: Double?
        if let scalar = node.scalar, !Self.isQuoted(scalar) {
            switch node.tagName {
            case .int: value = Int.construct(from: scalar).map(Double.init)
            case .float: value = Double.construct(from: scalar)
            default: break
            }
        }
        guard let value, value.isFinite else {
            report(node, "\(key): expected a number, got \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// A number for which `valid` holds; `expectation` says in words what `valid` wants.
    public mutating func bounded(_ node: Node, _ key: String, _ expectation: String,
                                  _ valid: (Double) -> Bool) -> Double? {
        guard let value = number(node, key) else { return nil }
        guard valid(value) else {
            report(node, "\(key): must be \(expectation), got \(Self.text(node))")
            return nil
        }
        return value
    }

    /// One of `cases`, by raw value; anything else is reported with the choices and a suggestion.
    public mutating func choice<T: RawRepresentable>(_ node: Node, _ key: String, among cases: [T]) -> T?
        where T.RawValue == String {
        choice(node, key, among: cases.map(\.rawValue)).flatMap(T.init(rawValue:))
    }

    /// One of `names`; anything else is reported with the choices and a suggestion.
    public mutating func choice(_ node: Node, _ key: String, among names: [String]) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            report(node, "\(key): expected one of \(names.joined(separator: ", ")), got \(Self.describe(node))")
            return nil
        }
        guard names.contains(scalar.string) else {
            report(node, "\(key): expected one of \(names.joined(separator: ", ")), got '\(scalar.string)'"
                + Suggestion.hint(for: scalar.string, among: names))
            return nil
        }
        return scalar.string
    }

    /// The items of a list; `items` says in words what they should be.
    public mutating func list(_ node: Node, _ key: String, of items: String) -> [Node]? {
        guard let sequence = node.sequence else {
            report(node, "\(key): expected a list of \(items), got \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    /// A path from the spec, resolved against the spec's folder.
    public mutating func path(_ node: Node, _ key: String) -> URL? {
        guard let text = string(node, key) else { return nil }
        guard !text.isEmpty else {
            report(node, "\(key): expected a path, got ''")
            return nil
        }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : baseDirectory.appendingPathComponent(text)
        return url.standardizedFileURL
    }

    /// True when `url` is an existing file or when files are not checked; otherwise reports it.
    public mutating func existingFile(_ url: URL, at position: SpecPosition, key: String, suffix: String) -> Bool {
        guard checkFiles else { return true }
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            report(at: position, "\(key): no such file: \(url.path)" + suffix)
            return false
        }
        if isFolder.boolValue {
            report(at: position, "\(key): \(url.path) is a folder, not a file")
            return false
        }
        return true
    }

    // MARK: - Reporting

    /// A problem at `node`'s position.
    public mutating func report(_ node: Node, _ message: String) {
        errors.append(SpecError(file: file, at: position(node), message))
    }

    /// Where `node` starts.
    public func position(_ node: Node) -> SpecPosition {
        node.mark.map { SpecPosition(line: $0.line, column: $0.column) } ?? SpecPosition(line: 1, column: 1)
    }

    /// How a node reads in "got …": the text of a scalar, else what it is.
    public static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if node.isNull { return "nothing" }
            return isQuoted(scalar) ? "the quoted string '\(scalar.string)'" : "'\(scalar.string)'"
        }
    }

    /// A scalar's text as written, for echoing numbers back exactly (1.0e-5, not 1e-05).
    public static func text(_ node: Node) -> String { node.scalar?.string ?? describe(node) }

    /// True for a quoted scalar: "64" is a string, not a number.
    public static func isQuoted(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .singleQuoted || scalar.style == .doubleQuoted
    }

    /// A sum like 0.9000000000000001 printed as 0.9.
    public static func format(_ value: Double) -> String {
        var text = String(format: "%.10f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A problem at a known position (a value's node is gone, its position kept).
    public mutating func report(at position: SpecPosition, _ message: String) {
        errors.append(SpecError(file: file, at: position, message))
    }
}

extension Node {
    /// The resolved tag: what a plain scalar's text reads as (int, float, null, …).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// A plain `null`, `~` or empty value.
    var isNull: Bool {
        guard let scalar else { return false }
        return scalar.style != .singleQuoted && scalar.style != .doubleQuoted && tagName == .null
    }
}
