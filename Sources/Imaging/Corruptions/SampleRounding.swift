/// The one rounding every corruption and colour shift ends with: round half up, then clamp to
/// 0...255 (NaN becomes 0). floor(v + 0.5) is written the same way in NumPy, so the fixtures agree bit for bit.
@inline(__always)
func quantisedSample(_ value: Double) -> UInt8 {
    guard value >= 0 else { return 0 }
    guard value < 255 else { return 255 }
    return UInt8(value + 0.5)
}
