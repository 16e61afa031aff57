/// A check definition as a value, so catalogues can list, compare and inject them.
public struct CheckKind: Sendable, Equatable, CustomStringConvertible {
    /// How the spec names it after `check:`.
    public let name: String
    public let phase: CheckPhase
    /// What it asserts, in one line.
    public let doc: String
    /// Its own keys, in the order the docs list them.
    public let keys: [CheckKey]
    /// Keys whose value no two entries of this kind may share.
    public let distinctKeys: [String]
    /// Kinds that may not be listed before an entry of this one.
    public let precedes: [String]
    /// Judges only the spec's own data, never an evaluation set.
    public let ownDataOnly: Bool
    let defaultID: @Sendable (Spec.Check) -> String?
    let validate: @Sendable (Spec.Check, inout SpecReader) -> Bool
    let make: @Sendable (Spec.Check, CheckBuildInputs) -> [any Check]

    /// The kind `definition` describes.
    public init<Definition: CheckDefinition>(_ definition: Definition.Type) {
        (name, phase, doc, keys) = (Definition.name, Definition.phase, Definition.doc, Definition.keys)
        (distinctKeys, precedes, ownDataOnly) = (Definition.distinctKeys, Definition.precedes, Definition.ownDataOnly)
        (defaultID, validate, make) = ({ Definition.defaultID($0) }, { Definition.validate($0, &$1) }, { Definition.make($0, $1) })
    }

    /// The key named `name`, if the check has one.
    public func key(_ name: String) -> CheckKey? { keys.first { $0.name == name } }

    /// Kinds are known by their name, which a catalogue holds once.
    public static func == (a: CheckKind, b: CheckKind) -> Bool { a.name == b.name }

    /// The name as the spec writes it.
    public var description: String { name }
}
