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
    /// Cross-validation: the groups are dealt into `folds` folds of about equal size and class
    /// mix (fixed by the seed, whatever the fold), fold `fold` is the test part, and the other
    /// groups are split into train and validation. Nil for a plain split.
    public let folds: Int?
    public let fold: Int?

    /// A rule; throws `DatasetError.invalidFractions` unless all fractions are positive and
    /// sum to 1 (within 1e-9, so that 0.9/0.09/0.01 as decimals is accepted).
    public init(by unit: Unit, train: Double, validation: Double, test: Double, seed: UInt64) throws {
        let fractions = [train, validation, test]
        guard fractions.allSatisfy({ $0.isFinite && $0 > 0 }), abs(fractions.reduce(0, +) - 1) <= 1e-9 else {
            throw DatasetError.invalidFractions(train: train, validation: validation, test: test)
        }
        (self.unit, self.train, self.validation, self.test, self.seed) = (unit, train, validation, test, seed)
        (folds, fold) = (nil, nil)
    }

    /// Fold `fold` (from 0) of `folds` by group as the test part, `validation` of all images for
    /// validation, the rest for training; throws `DatasetError.invalidFolds` for an impossible choice.
    public init(folds: Int, fold: Int, validation: Double, seed: UInt64) throws {
        let test = 1 / Double(max(folds, 1))
        guard (2...50).contains(folds), (0..<folds).contains(fold), validation.isFinite, validation > 0, validation < 1 - test else {
            throw DatasetError.invalidFolds(folds: folds, fold: fold, validation: validation)
        }
        (unit, train, self.validation, self.test, self.seed) = (.group, 1 - test - validation, validation, test, seed)
        (self.folds, self.fold) = (folds, fold)
    }

    /// Validates decoded rules as the initialiser does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let folds = try c.decodeIfPresent(Int.self, forKey: .folds) {
            try self.init(folds: folds, fold: c.decode(Int.self, forKey: .fold), validation: c.decode(Double.self, forKey: .validation),
                          seed: c.decode(UInt64.self, forKey: .seed))
            return
        }
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
    public var description: String {
        if let folds, let fold { return "by group, fold \(fold) of \(folds) as test, validation \(validation), seed \(seed)" }
        return "by \(unit.rawValue), \(train)/\(validation)/\(test), seed \(seed)"
    }
}
