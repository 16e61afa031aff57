/// How strong a corruption is: 1 (mild) to 5 (severe), as in ImageNet-C. No other value can be made.
public struct CorruptionSeverity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1...5.
    public let level: Int

    /// nil unless `level` is in 1...5.
    public init?(_ level: Int) {
        guard Self.levels.contains(level) else { return nil }
        self.level = level
    }

    /// The levels there are.
    public static let levels = 1...5
    /// Severities 1 to 5 in order.
    public static let all: [CorruptionSeverity] = levels.compactMap { CorruptionSeverity($0) }

    /// Milder before more severe.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.level < rhs.level }
    /// The level, as a spec writes it.
    public var description: String { String(level) }
}
