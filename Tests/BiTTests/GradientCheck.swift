@testable import BiT

/// Central finite differences in double precision, the independent reference for every backward pass.
enum GradientCheck {
    /// A fixed random tensor with entries in [-1, 1).
    static func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor<Double> {
        var rng = SeededRandom(seed: seed)
        return Tensor(shape: shape) { _ in (rng.nextUnit() * 2 - 1) * scale }
    }

    /// ∂f/∂x[i] for every element (or the `indices` given), by (f(x+h) − f(x−h)) / 2h.
    static func numeric(_ x: Tensor<Double>, indices: [Int]? = nil, h: Double = 1e-6, _ f: () -> Double) -> [Double] {
        (indices ?? Array(0..<x.count)).map { i in
            let saved = x[i]
            x[i] = saved + h
            let plus = f()
            x[i] = saved - h
            let minus = f()
            x[i] = saved
            return (plus - minus) / (2 * h)
        }
    }

    /// Largest |a − b| / max(1, |b|) — relative for large values, absolute near zero.
    static func maxError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    /// Σ y ⊙ r: a scalar whose gradient with respect to y is r, probing every output.
    static func project(_ y: Tensor<Double>, _ r: Tensor<Double>) -> Double {
        precondition(y.count == r.count)
        return (0..<y.count).reduce(0) { $0 + y[$1] * r[$1] }
    }
}
