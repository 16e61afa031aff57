/// Expected calibration error of top-label confidences (Guo et al., ICML 2017), with its reliability diagram.
///
/// M equal-width bins over [0, 1]: bin m holds confidences in (m/M, (m+1)/M], the first also holding 0, with the
/// edges computed as m/M so a confidence exactly on an edge falls in the bin below it. ECE = Σₘ (nₘ/N)·|accₘ − confₘ|.
public struct CalibrationError: Sendable, Equatable {
    /// One bar of the reliability diagram.
    public struct Bin: Sendable, Equatable {
        /// The bin's edges, lowerEdge < confidence ≤ upperEdge.
        public let lowerEdge: Double
        /// (m + 1)/M, included in the bin.
        public let upperEdge: Double
        /// Samples whose confidence falls in the bin.
        public let count: Int
        /// Mean confidence of those samples; nil for an empty bin.
        public let confidence: Double?
        /// Share of those samples predicted correctly; nil for an empty bin.
        public let accuracy: Double?
    }

    /// All M bins in rising confidence, empty ones included.
    public let bins: [Bin]
    /// The expected calibration error, in [0, 1].
    public let value: Double

    /// ECE of confidences in [0, 1] and whether each prediction was right; nil without samples.
    public init?(confidences: [Double], correct: [Bool], binCount: Int = 15) throws {
        try StatisticsError.requireSameCount(confidences.count, correct.count, "one outcome per confidence")
        try StatisticsError.require(binCount > 0, "need at least one bin, got \(binCount)")
        try StatisticsError.require(confidences.allSatisfy { $0 >= 0 && $0 <= 1 }, "confidences must lie in [0, 1]")
        guard !confidences.isEmpty else { return nil }
        let edges = (0...binCount).map { Double($0) / Double(binCount) }
        var counts = [Int](repeating: 0, count: binCount)
        var confidenceSums = [Double](repeating: 0, count: binCount)
        var correctCounts = [Int](repeating: 0, count: binCount)
        for (confidence, isCorrect) in zip(confidences, correct) {
            // A first guess from the product, corrected against the edges it may miss by one ulp.
            var m = min(max(Int((confidence * Double(binCount)).rounded(.up)) - 1, 0), binCount - 1)
            while m > 0 && confidence <= edges[m] { m -= 1 }
            while m < binCount - 1 && confidence > edges[m + 1] { m += 1 }
            counts[m] += 1
            confidenceSums[m] += confidence
            if isCorrect { correctCounts[m] += 1 }
        }
        let total = Double(confidences.count)
        var value = 0.0
        var bins: [Bin] = []
        for m in 0..<binCount {
            guard counts[m] > 0 else {
                bins.append(Bin(lowerEdge: edges[m], upperEdge: edges[m + 1], count: 0, confidence: nil, accuracy: nil))
                continue
            }
            let confidence = confidenceSums[m] / Double(counts[m])
            let accuracy = Double(correctCounts[m]) / Double(counts[m])
            value += Double(counts[m]) / total * abs(accuracy - confidence)
            bins.append(Bin(lowerEdge: edges[m], upperEdge: edges[m + 1], count: counts[m], confidence: confidence,
                            accuracy: accuracy))
        }
        self.bins = bins
        self.value = value
    }

    /// ECE of class-probability rows against true classes: each row's confidence is its largest probability, and
    /// the prediction is the first class attaining it.
    public init?(probabilities: [[Double]], labels: [Int], binCount: Int = 15) throws {
        try StatisticsError.requireSameCount(probabilities.count, labels.count, "one label per probability row")
        var confidences: [Double] = []
        var correct: [Bool] = []
        for (row, label) in zip(probabilities, labels) {
            guard let top = row.max(), let predicted = row.firstIndex(of: top) else {
                throw StatisticsError("a probability row needs at least one class")
            }
            confidences.append(top)
            correct.append(predicted == label)
        }
        try self.init(confidences: confidences, correct: correct, binCount: binCount)
    }
}
