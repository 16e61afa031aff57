/// Deterministic synthetic pixels, so encoder tests need no fixture files.
enum TestImages {
    /// Full-range pseudo-random bytes from a fixed-seed LCG; noise is the hardest case for the filters.
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }
}
