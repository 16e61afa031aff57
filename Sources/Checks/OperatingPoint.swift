/// The decision threshold an `operating_point` check published for the checks after it, or why
/// it could not choose one (later threshold metrics are then INCONCLUSIVE rather than measured at 0.5).
public enum OperatingPoint: Sendable, Equatable {
    /// Scores of the positive class at least `threshold` are called positive; `setBy` is the check's id.
    case threshold(Double, setBy: String)
    /// No threshold: the reason, and the check's id.
    case unavailable(String, setBy: String)

    /// The check that published it.
    public var setBy: String {
        switch self {
        case .threshold(_, let id), .unavailable(_, let id): id
        }
    }
}
