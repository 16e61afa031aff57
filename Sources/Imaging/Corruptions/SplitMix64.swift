/// Steele, Lea and Flood's SplitMix64: a tiny seeded generator whose stream is the same on every
/// machine, because it is integer arithmetic only.
public struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform deviate in (0, 1]: the top 53 bits, plus one, times 2⁻⁵³. Never 0, so its logarithm is finite.
    public mutating func nextUnitInterval() -> Double {
        (Double(next() >> 11) + 1) * 0x1p-53
    }

    /// Standard normal deviates by the Box–Muller transform, two per pair of uniforms u₁, u₂:
    /// √(−2 ln u₁)·cos(2πu₂), then √(−2 ln u₁)·sin(2πu₂); an odd count drops the last sine.
    mutating func normals(count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var index = 0
        while index < count {
            let radius = (-2 * PortableMath.log(nextUnitInterval())).squareRoot()
            let (sine, cosine) = PortableMath.sinCos(2 * Double.pi * nextUnitInterval())
            out[index] = radius * cosine
            if index + 1 < count { out[index + 1] = radius * sine }
            index += 2
        }
        return out
    }
}
