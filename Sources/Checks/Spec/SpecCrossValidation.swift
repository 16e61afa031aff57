extension Spec {
    /// The same spec with fold `fold` of its cross-validation split as the test part, and
    /// `seed` for training (data order, augmentation, initial weights) when given: one run of
    /// `certify SPEC --fold K --seed S`. Throws when the spec's split has no folds or no such fold.
    public func crossValidating(fold: Int?, trainingSeed seed: UInt64?) throws -> Spec {
        var spec = self
        if let fold {
            guard let folds = data.split.folds else {
                throw CrossValidationError(description: "--fold \(fold): \(file.path) has no folds (give data.split `folds` and `fold`)")
            }
            guard (0..<folds).contains(fold) else {
                throw CrossValidationError(description: "--fold \(fold): \(file.path) has folds 0 to \(folds - 1)")
            }
            spec.data.split.fold = fold
        }
        if let seed {
            guard var training = spec.training else {
                throw CrossValidationError(description: "--seed \(seed): \(file.path) has no training section whose seed it could set")
            }
            training.seed = seed
            spec.training = training
        }
        return spec
    }

    /// A `--fold` the spec's split does not have, or a `--seed` without a training section.
    public struct CrossValidationError: Error, CustomStringConvertible {
        public let description: String
    }
}
