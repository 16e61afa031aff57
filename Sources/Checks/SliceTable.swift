import Datasets

/// A metric measured on each slice of a split (each patient, say), worst first: an average can
/// hide a patient the model fails on, a slice table cannot.
public struct SliceTable: Codable, Sendable, Equatable {
    /// One slice's measurement.
    public struct Row: Codable, Sendable, Equatable {
        /// The slice, e.g. the patient "C12".
        public let name: String
        /// The metric on the slice; nil where it is undefined (no positives for a recall).
        public let value: Double?
        /// Its interval over the slice's images (Wilson for rates), when there is one.
        public let interval: [Double]?
        /// The images (for a rate, its denominator) the value rests on.
        public let samples: Int
        /// Whether the slice is large enough (`minSize`) to be judged.
        public let judged: Bool
    }

    /// The `slice_by` names that mean the data's groups (the group pattern's patients); any other
    /// name is a column of the data's metadata file.
    public static let byGroup = ["patient", "group"]

    /// What the slices are, e.g. "patient".
    public let by: String
    /// Judged slices worst first, then those too small or undefined.
    public let rows: [Row]
    /// Smallest slice that is judged.
    public let minSize: Int

    /// The judged slice with the worst value.
    public var worst: Row? { rows.first { $0.judged } }
    /// The spread between the best and the worst judged slice.
    public var gap: Double? {
        let values = rows.filter(\.judged).compactMap(\.value)
        guard let low = values.min(), let high = values.max() else { return nil }
        return high - low
    }

    /// `metric` on each slice of `predictions` (`groups` gives each prediction's), judged where
    /// the slice holds at least `minSize` samples; worst means lowest when `higherIsBetter`;
    /// classes decided at `threshold` when given (as `MetricMeasurement`). With `clusters` (each
    /// prediction's patient, when slices hold several), a slice's interval resamples whole patients.
    public init(_ metric: Spec.Metric, on predictions: DatasetPredictions, positive: Int, groups: [String], by: String,
                minSize: Int, confidence: Double, threshold: Double? = nil, clusters: [String]? = nil) throws {
        try StatisticsError.requireSameCount(groups.count, predictions.labels.count, "one group per prediction")
        if let clusters { try StatisticsError.requireSameCount(clusters.count, predictions.labels.count, "one cluster per prediction") }
        var members: [String: [Int]] = [:]
        for (i, group) in groups.enumerated() { members[group, default: []].append(i) }
        let k = predictions.classes
        var rows: [Row] = []
        for (name, indices) in members {
            let slice = DatasetPredictions(logits: indices.flatMap { i in predictions.logits[i * k..<(i + 1) * k] },
                                           labels: indices.map { predictions.labels[$0] }, classes: k)
            let m = try MetricMeasurement.measure(metric, on: slice, positive: positive, confidence: confidence,
                                                  groups: clusters.map { c in indices.map { c[$0] } }, threshold: threshold)
            let samples = m?.samples ?? 0
            rows.append(Row(name: name, value: m?.value, interval: m?.interval.map { [$0.lower, $0.upper] }, samples: samples,
                            judged: m != nil && samples >= minSize))
        }
        let better = metric.higherIsBetter
        rows.sort { a, b in
            if a.judged != b.judged { return a.judged }
            switch (a.value, b.value) {
            case let (x?, y?) where x != y: return better ? x < y : x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.name < b.name
            }
        }
        (self.by, self.rows, self.minSize) = (by, rows, minSize)
    }
}
