import Foundation
import Yams

/// One key a check takes in the spec: its name, what it holds, its default and how a value is
/// validated. The catalogue prints it; the parser reads every entry's keys through it.
public struct CheckKey: Sendable {
    /// How the spec spells the key.
    public let name: String
    /// The type in words, with its range, e.g. "number > 0" or "one of point, lower".
    public let type: String
    /// One line on what the key does.
    public let doc: String
    public let requirement: Requirement
    /// Reads and validates the key's node, reporting problems through the reader; nil after a problem.
    let read: @Sendable (Node, inout SpecReader) -> CheckValue?

    /// Whether a value must be given, and what stands in when it is not.
    public enum Requirement: Sendable {
        case required
        /// Absent stays absent: the check decides (e.g. `min` or `max`).
        case optional
        case defaultValue(CheckValue)
        /// A default that depends on the spec (e.g. a file named after it), described in words.
        case derived(String, @Sendable (CheckEntryContext) -> CheckValue?)
    }

    /// A key read by `read`; for types the standard constructors below do not cover.
    public init(_ name: String, type: String, _ requirement: Requirement, doc: String,
                read: @escaping @Sendable (Node, inout SpecReader) -> CheckValue?) {
        (self.name, self.type, self.requirement, self.doc, self.read) = (name, type, requirement, doc, read)
    }

    /// The default as the catalogue shows it: "—" for none, "required" when a value must be given.
    public var defaultDescription: String {
        switch requirement {
        case .required: "required"
        case .optional: "—"
        case .defaultValue(let value): value.spelling
        case .derived(let words, _): words
        }
    }

    /// A finite number for which `valid` holds; `expectation` says what `valid` wants ("greater than 0", "in (0, 1)").
    public static func number(_ name: String, _ requirement: Requirement, _ expectation: String, doc: String,
                              valid: @escaping @Sendable (Double) -> Bool) -> CheckKey {
        CheckKey(name, type: "number \(expectation)", requirement, doc: doc) { node, reader in
            reader.bounded(node, name, expectation, valid).map(CheckValue.number)
        }
    }

    /// A number for a gate's threshold or the like, any finite value; the check judges its range.
    public static func number(_ name: String, _ requirement: Requirement, doc: String) -> CheckKey {
        CheckKey(name, type: "number", requirement, doc: doc) { node, reader in reader.number(node, name).map(CheckValue.number) }
    }

    /// An integer of at least `minimum` (and at most `maximum`, if given).
    public static func integer(_ name: String, _ requirement: Requirement, atLeast minimum: Int, atMost maximum: Int? = nil,
                               doc: String) -> CheckKey {
        CheckKey(name, type: maximum.map { "integer \(minimum)–\($0)" } ?? "integer ≥ \(minimum)", requirement, doc: doc) { node, reader in
            reader.integer(node, name, atLeast: minimum, atMost: maximum).map(CheckValue.integer)
        }
    }

    /// One of `choices`, with a suggestion for a near miss.
    public static func choice(_ name: String, _ requirement: Requirement, among choices: [String], doc: String) -> CheckKey {
        CheckKey(name, type: "one of " + choices.joined(separator: ", "), requirement, doc: doc) { node, reader in
            reader.choice(node, name, among: choices).map(CheckValue.text)
        }
    }

    /// A path, resolved against the spec's folder; whether it must exist is the check's business.
    public static func path(_ name: String, _ requirement: Requirement, doc: String) -> CheckKey {
        CheckKey(name, type: "path", requirement, doc: doc) { node, reader in reader.path(node, name).map(CheckValue.path) }
    }
}
