/// What checks are built with beyond their spec entry: facts about the model file and the
/// machine that only exist when the checks are about to run.
public struct CheckBuildInputs: Sendable {
    /// SHA-256 of the verified model file ("" before training, when no file exists yet).
    public var modelSHA256: String
    /// BLAS core, thread count, OS: recorded with outputs that may move in the last bits across them.
    public var environment: [String: String]

    /// Inputs for one verification.
    public init(modelSHA256: String, environment: [String: String]) {
        (self.modelSHA256, self.environment) = (modelSHA256, environment)
    }
}
