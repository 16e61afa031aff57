/// When a check runs: on the model training starts from, or on the trained model.
public enum CheckPhase: String, Sendable, CaseIterable {
    /// Before training (`certify` stops here when a required one fails); `verify` runs them on the given model.
    case preTrain = "pre-train"
    /// On the trained model, with its test split.
    case postTrain = "post-train"
}
