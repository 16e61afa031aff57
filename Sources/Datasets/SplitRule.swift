/// How a manifest is divided into train, validation and test: what is kept together, the
/// fractions, and the seed that makes the division reproducible.
public struct SplitRule: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The unit that is assigned to one split as a whole.
    public enum Unit: String, Sendable, Codable {
        /// Single images, each class divided in the split fractions (stratified).
        case image
        /// Whole groups (patients): no group is in two splits.
        case group
    }

    /// What is kept together.
    public let unit: Unit
    /// Fraction of the images meant for training.
    public let train: Double
    /// Fraction meant for validation.
    public let validation: Double
    /// Fraction meant for the test.
    public let test: Double
    /// Seed of the `SeededRandom` that decides which images or groups go where.
    public let seed: UInt64

    /// A rule; throws `DatasetError.invalidFractions` unless all fractions are positive and
    /// sum to 1 (within 1e-9, so that 0.9/0.09/0.01 as decimals is accepted).
    public init(by unit: Unit, train: Double, validation: Double, test: Double, seed: UInt64) throws {
        let fractions = [train, validation, test]
        guard fractions.allSatisfy({ $0.isFinite && $0 > 0 }), abs(fractions.reduce(0, +) - 1) <= 1e-9 else {
            throw DatasetError.invalidFractions(train: train, validation: validation, test: test)
        }
        (self.unit, self.train, self.validation, self.test, self.seed) = (unit, train, validation, test, seed)
    }

    /// Validates decoded rules as the initialiser does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            by: c.decode(Unit.self, forKey: .unit), train: c.decode(Double.self, forKey: .train),
            validation: c.decode(Double.self, forKey: .validation), test: c.decode(Double.self, forKey: .test),
            seed: c.decode(UInt64.self, forKey: .seed))
    }

    /// The fraction meant for `part`.
    public func fraction(_ part: DatasetSplit.Part) -> Double {
        switch part {
        case .train: train
        case .validation: validation
        case .test: test
        }
    }

    /// "by group, 0.8/0.1/0.1, seed 42".
    public var description: String { "by \(unit.rawValue), \(train)/\(validation)/\(test), seed \(seed)" }
}
