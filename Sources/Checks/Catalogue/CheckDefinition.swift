/// A check type as the spec and the catalogue know it: its name, phase, keys, and how a spec
/// entry becomes runnable checks. Adding a check is a type conforming to this and one line in
/// `CheckCatalogue.standard`; the parser needs no change.
public protocol CheckDefinition: SendableMetatype {
    /// How the spec names it after `check:`.
    static var name: String { get }
    static var phase: CheckPhase { get }
    /// What it asserts, in one line.
    static var doc: String { get }
    /// Its own keys, beside the common `check`, `id`, `severity` and `on_empty`, in the order the docs list them.
    static var keys: [CheckKey] { get }
    /// Keys whose value no two entries of this check may share (two golden checks writing one file).
    static var distinctKeys: [String] { get }
    /// Kinds that may not be listed before an entry of this one, since they read what it publishes
    /// (its own name: one such entry per spec).
    static var precedes: [String] { get }
    /// Whether it judges only the spec's own data, never an evaluation set (a golden file of the
    /// test split's outputs; a threshold chosen once, on the validation split).
    static var ownDataOnly: Bool { get }
    /// The id of an entry that gives none; nil while it cannot be known (a misspelt metric).
    static func defaultID(_ entry: Spec.Check) -> String?
    /// Judges keys together once each was read alone (exactly one of `min` and `max`, say);
    /// reports every problem through `reader` and returns whether the entry is usable.
    static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool
    /// The runnable checks of a validated entry; one entry may give several (one per transform).
    static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check]
}

extension CheckDefinition {
    /// None by default.
    public static var distinctKeys: [String] { [] }

    /// None by default.
    public static var precedes: [String] { [] }

    /// Post-train checks judge evaluation sets too by default.
    public static var ownDataOnly: Bool { false }

    /// The check's name by default.
    public static func defaultID(_ entry: Spec.Check) -> String? { name }

    /// Nothing to judge across keys by default.
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool { true }
}
