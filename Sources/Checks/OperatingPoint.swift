/// The decision threshold the metric checks decide at (stored in the model, or chosen by an
/// `operating_point` check before them), or why there is none (threshold metrics are then
/// INCONCLUSIVE rather than measured at the arg-max).
public enum OperatingPoint: Sendable, Equatable {
    /// Scores of the positive class at least `threshold` are called positive; `setBy` says where it came from (a check's id).
    case threshold(Double, setBy: String)
    /// No threshold: the reason, and where it came from.
    case unavailable(String, setBy: String)

    /// Where it came from: a check's id, or the model file.
    public var setBy: String {
        switch self {
        case .threshold(_, let id), .unavailable(_, let id): id
        }
    }
}
