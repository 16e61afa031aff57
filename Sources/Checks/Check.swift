/// One behaviour a model must show, measured on a context; returns numbers, never prints.
public protocol Check: Sendable {
    /// Unique within a spec.
    var id: String { get }
    /// Whether a failure gates the run.
    var severity: CheckResult.Severity { get }
    /// Measures and decides.
    func run(_ context: CheckContext) throws -> CheckResult
}
