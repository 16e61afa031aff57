/// Every check a spec can name, each once. The parser, `modelcheck checks` and docs/checks.md's
/// table all read this list, so they cannot drift apart.
public struct CheckCatalogue: Sendable {
    /// The checks, in the order the docs list them.
    public let kinds: [CheckKind]

    /// A catalogue of `kinds`; tests build their own with extra check types.
    public init(_ kinds: [CheckKind]) { self.kinds = kinds }

    /// The checks modelcheck ships. Adding a check is one line here.
    public static let standard = CheckCatalogue([
        CheckKind(OutputShapeCheck.self),
        CheckKind(FiniteOutputsCheck.self),
        CheckKind(SoftmaxCheck.self),
        CheckKind(InitialLossCheck.self),
        CheckKind(DeterminismCheck.self),
        CheckKind(OverfitBatchCheck.self),
        CheckKind(LeakageCheck.self),
        CheckKind(InvarianceCheck.self),
        CheckKind(RobustnessCheck.self),
        CheckKind(ColourShiftCheck.self),
        CheckKind(OperatingPointCheck.self),
        CheckKind(MetricCheck.self),
        CheckKind(CalibrationCheck.self),
        CheckKind(DriftCheck.self),
        CheckKind(BaselineCheck.self),
        CheckKind(GoldenCheck.self),
    ])

    /// The names, as the spec writes them.
    public var names: [String] { kinds.map(\.name) }

    /// The check called `name`, if there is one.
    public func kind(named name: String) -> CheckKind? { kinds.first { $0.name == name } }
}
