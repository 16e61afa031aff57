/// Inputs a statistic cannot be computed from. Model outputs and spec values reach the statistics,
/// so a bad one is an error the check reports, never a trap.
public struct StatisticsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was wrong, e.g. "scores must not be NaN (3 are)".
    public let description: String

    init(_ description: String) { self.description = description }

    /// Throws unless `condition` holds.
    static func require(_ condition: Bool, _ description: @autoclosure () -> String) throws {
        if !condition { throw StatisticsError(description()) }
    }

    /// Throws unless `confidence` lies strictly between 0 and 1.
    static func requireConfidence(_ confidence: Double) throws {
        try require(confidence > 0 && confidence < 1, "confidence must lie in (0, 1), got \(confidence)")
    }

    /// Throws unless both lists have one entry per sample.
    static func requireSameCount(_ a: Int, _ b: Int, _ what: String) throws {
        try require(a == b, "\(what): \(a) against \(b)")
    }

    /// Throws unless `values` is non-empty and every value is finite; `what` names the sample, e.g. "reference".
    static func requireFiniteSample(_ values: [Double], _ what: String) throws {
        try require(!values.isEmpty, "the \(what) sample is empty")
        let bad = values.count { !$0.isFinite }
        try require(bad == 0, "the \(what) sample must be finite (\(bad) of \(values.count) values are NaN or infinite)")
    }

    /// Throws if any score is NaN.
    static func requireNoNaN(_ scores: [Double]) throws {
        let nan = scores.count { $0.isNaN }
        try require(nan == 0, "scores must not be NaN (\(nan) of \(scores.count) are)")
    }
}
