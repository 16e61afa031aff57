import Foundation

/// Short, exact number text for chart labels: no binary-fraction noise such as 0.30000000000000004.
public enum ChartNumberFormat {
    /// `value` to `significantDigits` significant digits, trailing zeros dropped: "0.693", "12.3",
    /// "1.5k", "2M", "1.2e-5". Whole numbers below 10 000 are written in full ("1234"), as counts should be.
    public static func compact(_ value: Double, significantDigits: Int = 3) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 10_000 { return String(Int(value)) }
        // Beyond these, powers of ten overflow or underflow; Swift's shortest round-trip text is exact.
        guard abs(value) > 1e-290, abs(value) < 1e290 else { return String(value) }
        guard let (digits, exponent) = rounded(value, significantDigits: max(1, significantDigits)) else { return "0" }
        // The notation follows the rounded value, so 999 999 is "1M", not "1000k".
        return trimmed(format(digits, exponent: exponent, magnitude: abs(scale(Double(digits), by: exponent))))
    }

    /// `fraction` as a percentage with up to `decimals` decimals, trailing zeros dropped: 0.975 → "97.5%".
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        guard fraction.isFinite else { return compact(fraction) }
        let decimals = min(6, max(0, decimals))
        let scaled = (fraction * 100 * power(decimals)).rounded()
        guard abs(scaled) < 1e15 else { return compact(fraction * 100) + "%" }
        return trimmed(decimal(Int(scaled), exponent: -decimals)) + "%"
    }

    /// Tick labels for the multiples `n × 10^exponent`, all with the same number of decimals so
    /// they read as one scale: "0.0", "0.5", "1.0"; "0", "10k", "20k"; "2e-6", "4e-6".
    static func tickLabels(_ multiples: [Int], exponent: Int, percent: Bool) -> [String] {
        let largest = scale(multiples.map { abs(Double($0)) }.max() ?? 0, by: exponent)
        if percent {
            return multiples.map { decimal($0, exponent: exponent + 2) + "%" }
        }
        return multiples.map { format($0, exponent: exponent, magnitude: largest) }
    }

    /// `n × 10^exponent` in the notation a value of size `magnitude` reads best in.
    private static func format(_ n: Int, exponent: Int, magnitude: Double) -> String {
        if magnitude >= 1e15 || magnitude < 1e-4 { return scientific(n, exponent: exponent) }
        if magnitude >= 10_000 {
            guard n != 0 else { return "0" }
            let group = min(4, Int(log10(magnitude)) / 3)
            return decimal(n, exponent: exponent - 3 * group) + ["", "k", "M", "G", "T"][group]
        }
        return decimal(n, exponent: exponent)
    }

    /// `n × 10^exponent` with exactly `max(0, -exponent)` decimals.
    private static func decimal(_ n: Int, exponent: Int) -> String {
        let sign = n < 0 ? "-" : ""
        var digits = String(n.magnitude)
        if exponent >= 0 {
            return n == 0 ? "0" : sign + digits + String(repeating: "0", count: exponent)
        }
        let decimals = -exponent
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// `n × 10^exponent` as a mantissa with one digit before the point and a power of ten: "2.5e-6".
    private static func scientific(_ n: Int, exponent: Int) -> String {
        guard n != 0 else { return "0" }
        let digits = String(n.magnitude)
        let mantissa = trimmed(decimal(n, exponent: 1 - digits.count))
        return mantissa + "e" + String(exponent + digits.count - 1)
    }

    /// `value` rounded to `significantDigits` digits, as the integer digits and a power of ten.
    private static func rounded(_ value: Double, significantDigits: Int) -> (Int, Int)? {
        guard value != 0 else { return nil }
        let digits = min(15, significantDigits)
        var exponent = Int(log10(value.magnitude).rounded(.down)) - (digits - 1)
        var n = scale(value, by: -exponent).rounded()
        // log10 can land one off near powers of ten, and rounding can carry into an extra digit.
        let limit = power(digits)
        while abs(n) >= limit {
            exponent += 1
            n = scale(value, by: -exponent).rounded()
        }
        while abs(n) < limit / 10 {
            exponent -= 1
            n = scale(value, by: -exponent).rounded()
        }
        return (Int(n), exponent)
    }

    /// `value × 10^k`, multiplying or dividing by an exact power of ten so results stay correctly rounded.
    static func scale(_ value: Double, by k: Int) -> Double {
        k >= 0 ? value * power(k) : value / power(-k)
    }

    /// 10^k for k ≥ 0: exact up to 10^22, infinite past Double's range.
    static func power(_ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, min(k, 330)) { result *= 10 }
        return result
    }

    /// Drops trailing zeros after a decimal point, and the point if nothing is left after it.
    private static func trimmed(_ text: String) -> String {
        guard let point = text.firstIndex(of: ".") else { return text }
        let end = text[point...].firstIndex(where: \.isLetter) ?? text.endIndex
        var fraction = text[text.index(after: point)..<end]
        while fraction.last == "0" { fraction.removeLast() }
        let head = text[..<point] + (fraction.isEmpty ? "" : "." + fraction)
        return String(head + text[end...])
    }
}
