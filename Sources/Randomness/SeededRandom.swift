import RealModule

/// Steele, Lea and Flood's SplitMix64 (OOPSLA 2014): a small, fast, seedable generator whose
/// sequence is integer arithmetic only, the same on every platform, so that a seed reproduces
/// initial weights, data order, augmentation, bootstrap replicates and corrupted images bit for bit.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The whole generator state: saving it in a checkpoint resumes the exact sequence.
    public var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform deviate in (0, 1]: the top 53 bits, plus one, times 2⁻⁵³. Never 0, so its logarithm is finite.
    public mutating func nextUnitInterval() -> Double { (Double(next() >> 11) + 1) * 0x1p-53 }

    /// Uniform in 0..<bound without modulo bias: Lemire's multiply-shift with rejection, spelt out
    /// here rather than left to the standard library, whose method may change between versions.
    public mutating func next(below bound: Int) -> Int {
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUnit(), u2 = nextUnit()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

// Foundation-free elementary functions keep this file usable from any module.
@inline(__always) private func _log(_ x: Double) -> Double { Double.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Double.cos(x) }

extension SeededRandom {
    /// An independent generator for one item of a stream (an image of an epoch, say), so
    /// that work done in any order or on any thread draws the same numbers.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.init(seed: mixer.next())
    }
}
