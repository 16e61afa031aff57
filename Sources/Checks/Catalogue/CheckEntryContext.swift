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
    /// What post-train checks can run on: the spec's test split (`test`), then each evaluation set.
    public var dataSets: [DataSet]
    /// Whether the data and evaluation sections are valid: checks are not blamed for their problems.
    public var dataSectionsValid: Bool

    /// One set of data checks run on, by the name checks use for it.
    public struct DataSet: Sendable, Equatable {
        /// `test`, or an evaluation set's name.
        public var name: String
        /// Whether it has a metadata file.
        public var hasMetadata: Bool
        /// The columns of its metadata file; nil without one, or when files are not read.
        public var columns: [String]?

        /// A set, whether it has a metadata file, and its columns when they were read.
        public init(name: String, hasMetadata: Bool = false, columns: [String]? = nil) {
            (self.name, self.hasMetadata, self.columns) = (name, hasMetadata, columns)
        }
    }

    /// The context of a spec's checks.
    public init(specName: String?, specFolder: URL, positiveClassGiven: Bool, learningRate: Double?, groupsGiven: Bool = true,
                dataSets: [DataSet] = [DataSet(name: "test")], dataSectionsValid: Bool = true) {
        (self.specName, self.specFolder, self.positiveClassGiven, self.learningRate) = (specName, specFolder, positiveClassGiven, learningRate)
        (self.groupsGiven, self.dataSets, self.dataSectionsValid) = (groupsGiven, dataSets, dataSectionsValid)
    }
}
