import Foundation

/// Temperature scaling (Guo et al., ICML 2017): the one number T > 0 by which dividing every logit makes
/// softmax(logits / T) fit the true classes best, i.e. minimises their mean negative log-likelihood.
///
/// T > 1 softens an overconfident model, T < 1 sharpens an underconfident one; the predicted class never changes.
/// The likelihood is convex in 1/T, hence has a single minimum in log T, found by golden-section search over
/// log T in `searchRange` with a fixed number of steps: the same logits give the same T on every machine. Fit T on
/// data the model is judged on afterwards only through it (the validation split), never on the test split.
public struct TemperatureScaling: Sendable, Equatable {
    /// Where T is sought. A minimum at an end means the data would push T further, as when every validation image
    /// is right and the likelihood only grows as T shrinks; `atSearchBound` says so.
    public static let searchRange: ClosedRange<Double> = 0.01...100

    /// The fitted temperature.
    public let temperature: Double
    /// Mean negative log-likelihood of the true classes at T = 1.
    public let lossBefore: Double
    /// Mean negative log-likelihood of the true classes at the fitted T.
    public let lossAfter: Double
    /// True when T lies at an end of `searchRange` (within the search's precision).
    public let atSearchBound: Bool

    /// Fits T to logit rows (one entry per class, finite) and their true classes; nil without samples.
    public init?(logits: [[Double]], labels: [Int]) throws {
        try StatisticsError.requireSameCount(logits.count, labels.count, "one label per logit row")
        guard let classes = logits.first?.count else { return nil }
        try StatisticsError.require(classes > 0, "a logit row needs at least one class")
        try StatisticsError.require(logits.allSatisfy { $0.count == classes }, "every logit row needs the same \(classes) classes")
        try StatisticsError.require(logits.allSatisfy { $0.allSatisfy(\.isFinite) }, "logits must be finite")
        try StatisticsError.require(labels.allSatisfy { (0..<classes).contains($0) }, "labels must lie in 0..<\(classes)")
        let loss = { (u: Double) in Self.negativeLogLikelihood(logits: logits, labels: labels, temperature: exp(u)) }
        var a = log(Self.searchRange.lowerBound), b = log(Self.searchRange.upperBound)
        let shrink = (5.0.squareRoot() - 1) / 2
        var c = b - shrink * (b - a), d = a + shrink * (b - a)
        var fc = loss(c), fd = loss(d)
        // 0.618^70 of the 9.2-wide range is below 1e-13, finer than a likelihood's flat minimum can be told apart.
        for _ in 0..<70 {
            if fc <= fd {
                (b, d, fd) = (d, c, fc)
                c = b - shrink * (b - a)
                fc = loss(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + shrink * (b - a)
                fd = loss(d)
            }
        }
        let u = (a + b) / 2
        temperature = exp(u)
        lossBefore = loss(0)
        lossAfter = loss(u)
        atSearchBound = u - log(Self.searchRange.lowerBound) < 1e-6 || log(Self.searchRange.upperBound) - u < 1e-6
    }

    /// softmax(row / T) of each logit row, computed stably in Double.
    public static func probabilities(logits: [[Double]], temperature: Double) -> [[Double]] {
        logits.map { row in
            let scaled = row.map { $0 / temperature }
            let top = scaled.max() ?? 0
            let e = scaled.map { exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// Mean of −log softmax(row / T)[label]: the loss T is chosen to minimise.
    public static func negativeLogLikelihood(logits: [[Double]], labels: [Int], temperature: Double) -> Double {
        var sum = 0.0
        for (row, label) in zip(logits, labels) {
            let scaled = row.map { $0 / temperature }
            let top = scaled.max() ?? 0
            sum += top + log(scaled.reduce(0.0) { $0 + exp($1 - top) }) - scaled[label]
        }
        return sum / Double(max(labels.count, 1))
    }
}
