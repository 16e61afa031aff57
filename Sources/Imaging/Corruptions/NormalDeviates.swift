import Randomness

extension SeededRandom {
    /// Standard normal deviates by the Box–Muller transform, two per pair of uniforms u₁, u₂ in (0, 1]:
    /// √(−2 ln u₁)·cos(2πu₂), then √(−2 ln u₁)·sin(2πu₂); an odd count drops the last sine. Uses
    /// `PortableMath`, not libm, so the deviates are the same bits on every machine.
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
