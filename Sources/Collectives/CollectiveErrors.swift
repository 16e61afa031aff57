import Foundation

/// A collective that did not complete: a rank died, stopped answering past the deadline, or the
/// network between ranks failed. The job cannot go on; every rank ends with `World.faultExitCode`.
public struct CollectiveFault: Error, CustomStringConvertible, LocalizedError, Sendable {
    public let description: String
    /// A fault with its full message (which names the ranks, hosts and the step).
    public init(_ message: String) { description = message }
    public var errorDescription: String? { description }
}

/// Ranks that do not run the same job: another spec, data or modelcheck version.
public struct RankDisagreement: Error, CustomStringConvertible, LocalizedError, Sendable {
    public let description: String
    /// A disagreement with its full message.
    public init(_ message: String) { description = message }
    public var errorDescription: String? { description }
}

/// A launch this build cannot serve: several ranks, but no MPI in the build.
public struct LaunchError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public let description: String
    /// An error with its full message.
    public init(_ message: String) { description = message }
    public var errorDescription: String? { description }
}
