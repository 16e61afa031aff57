import Foundation

/// What a check entry may depend on beyond its own keys: the rest of the spec, as parsed.
public struct CheckEntryContext: Sendable, Equatable {
    /// The spec's name; nil when it is invalid (reported on its own).
    public var specName: String?
    /// The folder the spec lies in.
    public var specFolder: URL
    /// Whether `data.positive_class` is given (one-against-the-rest metrics need it).
    public var positiveClassGiven: Bool
    /// `training.learning_rate`, when the spec sets one.
    public var learningRate: Double?

    /// Whether the data has a group pattern (patients), which slices and group intervals need.
    public var groupsGiven: Bool

    /// The context of a spec's checks.
    public init(specName: String?, specFolder: URL, positiveClassGiven: Bool, learningRate: Double?, groupsGiven: Bool = true) {
        (self.specName, self.specFolder, self.positiveClassGiven, self.learningRate) = (specName, specFolder, positiveClassGiven, learningRate)
        self.groupsGiven = groupsGiven
    }
}
