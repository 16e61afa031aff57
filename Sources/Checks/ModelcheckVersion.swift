/// The version reports, goldens and certificates record.
public enum ModelcheckVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
