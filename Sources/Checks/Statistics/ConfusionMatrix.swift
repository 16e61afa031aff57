/// K×K counts of true class (row) against predicted class (column), for classes numbered 0..<K.
///
/// Per-class rates are nil when undefined (a class with no samples has no recall, a class never predicted has no
/// precision); macro averages are taken over the classes where the rate is defined, like scikit-learn with
/// `zero_division=np.nan`, and are nil when no class has one.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// counts[truth][prediction].
    public private(set) var counts: [[Int]]

    /// Counts given directly; the matrix must be square and non-negative.
    public init(counts: [[Int]]) throws {
        try StatisticsError.require(counts.allSatisfy { $0.count == counts.count }, "the matrix must be square")
        try StatisticsError.require(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "counts are never negative")
        self.counts = counts
    }

    /// Counts of true labels against predictions, one pair per sample, each in 0..<classCount.
    public init(classCount: Int, labels: [Int], predictions: [Int]) throws {
        try StatisticsError.require(classCount > 0, "need at least one class")
        try StatisticsError.requireSameCount(labels.count, predictions.count, "one prediction per label")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (label, prediction) in zip(labels, predictions) {
            try StatisticsError.require((0..<classCount).contains(label) && (0..<classCount).contains(prediction),
                                        "class \(max(label, prediction)) outside 0..<\(classCount)")
            counts[label][prediction] += 1
        }
        self.counts = counts
    }

    /// K, the number of classes.
    public var classCount: Int { counts.count }
    /// Number of samples.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Samples whose true class is `c`.
    public func support(ofClass c: Int) -> Int { counts[c].reduce(0, +) }
    /// Samples predicted as class `c`.
    public func predictedCount(ofClass c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// The share of samples on the diagonal.
    public var accuracy: BinaryConfusion.Proportion? {
        BinaryConfusion.Proportion((0..<classCount).reduce(0) { $0 + counts[$1][$1] }, of: total)
    }

    /// The share of class `c` predicted as `c`.
    public func recall(ofClass c: Int) -> BinaryConfusion.Proportion? {
        BinaryConfusion.Proportion(counts[c][c], of: support(ofClass: c))
    }

    /// The share of predictions of `c` that are right.
    public func precision(ofClass c: Int) -> BinaryConfusion.Proportion? {
        BinaryConfusion.Proportion(counts[c][c], of: predictedCount(ofClass: c))
    }

    /// Class `c` against all others.
    public func oneVsRest(_ c: Int) throws -> BinaryConfusion {
        let tp = counts[c][c]
        let fn = support(ofClass: c) - tp
        let fp = predictedCount(ofClass: c) - tp
        return try BinaryConfusion(truePositives: tp, falsePositives: fp, trueNegatives: total - tp - fn - fp,
                               falseNegatives: fn)
    }

    /// Mean recall over classes that occur (for K = 2, the balanced accuracy).
    public var macroRecall: Double? { Self.mean((0..<classCount).map { recall(ofClass: $0)?.value }) }
    /// Mean precision over classes that are predicted at least once.
    public var macroPrecision: Double? { Self.mean((0..<classCount).map { precision(ofClass: $0)?.value }) }
    /// Mean one-vs-rest F1 over classes that occur as a label or a prediction.
    public var macroF1: Double? { get throws { Self.mean(try (0..<classCount).map { try oneVsRest($0).f1?.value }) } }

    private static func mean(_ values: [Double?]) -> Double? {
        let defined = values.compactMap { $0 }
        return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
    }
}
