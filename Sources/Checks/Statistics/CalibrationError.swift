/// Expected calibration error of top-label confidences (Guo et al., ICML 2017), with its reliability diagram.
///
/// Equal width (the default): M bins over [0, 1], bin m holding confidences in (m/M, (m+1)/M], the first also
/// holding 0, with the edges computed as m/M so a confidence exactly on an edge falls in the bin below it.
/// Equal mass: the samples sorted by confidence (stably, so ties keep their order) and cut into min(M, N) runs of
/// consecutive samples, the first N mod M runs one sample longer; no bin is empty, and where confidences crowd
/// near 1 (a good classifier) every bin still holds about N/M samples. Either way ECE = Σₘ (nₘ/N)·|accₘ − confₘ|,
/// accₘ the share of the bin's predictions that were right (never its share of positive labels).
public struct CalibrationError: Sendable, Equatable {
    /// How samples are grouped into bins.
    public enum Binning: String, Sendable, Equatable {
        case equalWidth = "equal width"
        case equalMass = "equal mass"
    }

    /// One bar of the reliability diagram.
    public struct Bin: Sendable, Equatable {
        /// Equal width: m/M, below every confidence in the bin. Equal mass: the bin's smallest confidence.
        public let lowerEdge: Double
        /// Equal width: (m + 1)/M, at or above every confidence in the bin. Equal mass: its largest confidence.
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
    public init?(confidences: [Double], correct: [Bool], binCount: Int = 15, binning: Binning = .equalWidth) throws {
        try StatisticsError.requireSameCount(confidences.count, correct.count, "one outcome per confidence")
        try StatisticsError.require(binCount > 0, "need at least one bin, got \(binCount)")
        try StatisticsError.require(confidences.allSatisfy { $0 >= 0 && $0 <= 1 }, "confidences must lie in [0, 1]")
        guard !confidences.isEmpty else { return nil }
        if binning == .equalMass {
            (bins, value) = Self.equalMass(confidences, correct, binCount)
            return
        }
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

    private static func equalMass(_ confidences: [Double], _ correct: [Bool], _ binCount: Int) -> (bins: [Bin], value: Double) {
        // Swift's sort is not stable; ties broken by index make it so.
        let order = confidences.indices.sorted { (confidences[$0], $0) < (confidences[$1], $1) }
        let n = confidences.count, count = min(binCount, n)
        var bins: [Bin] = [], value = 0.0, start = 0
        for m in 0..<count {
            // count ≤ n, so every run holds at least one sample.
            let end = start + n / count + (m < n % count ? 1 : 0)
            let members = order[start..<end]
            let confidence = members.reduce(0.0) { $0 + confidences[$1] } / Double(members.count)
            let accuracy = Double(members.count { correct[$0] }) / Double(members.count)
            value += Double(members.count) / Double(n) * abs(accuracy - confidence)
            bins.append(Bin(lowerEdge: confidences[order[start]], upperEdge: confidences[order[end - 1]], count: members.count,
                            confidence: confidence, accuracy: accuracy))
            start = end
        }
        return (bins, value)
    }

    /// ECE of class-probability rows against true classes: each row's confidence is its largest probability, and
    /// the prediction is the first class attaining it.
    public init?(probabilities: [[Double]], labels: [Int], binCount: Int = 15, binning: Binning = .equalWidth) throws {
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
        try self.init(confidences: confidences, correct: correct, binCount: binCount, binning: binning)
    }
}
