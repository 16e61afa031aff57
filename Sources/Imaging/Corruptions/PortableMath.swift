/// exp, log, sin and cos from IEEE-754 basic operations only (+, −, ×, ÷, exact scaling by powers
/// of two, floor), always in the same order: every machine, and the NumPy fixture script that
/// repeats these lines, gets the same bits, which libm does not promise (glibc alone has FMA and
/// non-FMA variants). Accurate to a few units in the last place over the arguments used here.
///
/// Each is a Cody–Waite reduction (fdlibm's split constants) and a truncated Taylor series whose
/// first omitted term is below 10⁻¹⁷; coefficients are 1/n! and 1/(2k + 1) computed by one
/// correctly rounded division each.
enum PortableMath {
    // ln 2 and π/2 split so that k times the first part is exact for the small k used here.
    private static let ln2High = 6.931_471_803_691_238_164_90e-01
    private static let ln2Low = 1.908_214_929_270_587_700_02e-10
    private static let halfPiHigh = 1.570_796_326_734_125_614_17e+00
    private static let halfPiLow = 6.077_100_506_506_192_249_32e-11

    /// 1/n! for n = 0...17.
    private static let inverseFactorials: [Double] = {
        var factorial = 1.0
        return (0...17).map { n in
            if n > 0 { factorial *= Double(n) }
            return 1 / factorial
        }
    }()
    /// 1/(2k + 1) for k = 0...11.
    private static let inverseOdds: [Double] = (0...11).map { 1 / Double(2 * $0 + 1) }

    /// eˣ.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x / ln2High + 0.5).rounded(.down)
        let r = (x - k * ln2High) - k * ln2Low
        // |r| ≤ 0.35: Σ rⁿ/n! to n = 13.
        var sum = inverseFactorials[13]
        for n in stride(from: 12, through: 0, by: -1) { sum = sum * r + inverseFactorials[n] }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    /// ln x for finite x > 0 (NaN otherwise, −∞ at 0).
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var exponent = Double(x.exponent)
        var m = x.significand
        if m > 1.414_213_562_373_095_1 {
            m /= 2
            exponent += 1
        }
        // ln m = 2s(1 + s²/3 + s⁴/5 + …), s = (m − 1)/(m + 1), |s| ≤ 0.172.
        let s = (m - 1) / (m + 1), z = s * s
        var sum = inverseOdds[11]
        for k in stride(from: 10, through: 0, by: -1) { sum = sum * z + inverseOdds[k] }
        return exponent * ln2High + (exponent * ln2Low + 2 * s * sum)
    }

    /// (sin x, cos x) for |x| ≤ 2¹⁹ (the reduction is exact only that far); NaN beyond and for NaN.
    static func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
        guard x.magnitude <= 0x1p19 else { return (.nan, .nan) }
        let quadrant = (x / halfPiHigh + 0.5).rounded(.down)
        let r = (x - quadrant * halfPiHigh) - quadrant * halfPiLow
        // |r| ≤ π/4: sin r = r Σ (−r²)ᵏ/(2k + 1)! and cos r = Σ (−r²)ᵏ/(2k)!, k = 0...8.
        let w = -(r * r)
        var sine = inverseFactorials[17], cosine = inverseFactorials[16]
        for k in stride(from: 7, through: 0, by: -1) {
            sine = sine * w + inverseFactorials[2 * k + 1]
            cosine = cosine * w + inverseFactorials[2 * k]
        }
        sine *= r
        switch Int(quadrant) & 3 {
        case 0: return (sine, cosine)
        case 1: return (cosine, -sine)
        case 2: return (-sine, -cosine)
        default: return (-cosine, sine)
        }
    }
}
