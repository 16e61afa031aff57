/// Bounds that keep a hostile or damaged archive from filling the disk; checked against the sizes the central
/// directory declares, before anything is written (the reader then delivers exactly the declared bytes or fails).
public struct ExtractionLimits: Sendable, Equatable {
    /// Most bytes one member may declare.
    public var maxMemberSize: Int
    /// Most bytes all members together may declare.
    public var maxTotalSize: Int
    /// Most members, folders included.
    public var maxMemberCount: Int
    /// Most uncompressed bytes per compressed byte for a member that declares over `ratioCheckThreshold` bytes.
    public var maxCompressionRatio: Int
    /// Members this small are exempt from the ratio check: a few KiB of zeros are harmless however well they pack.
    public var ratioCheckThreshold: Int

    /// Creates limits; the defaults allow ordinary dataset archives (the malaria one: 27,558 small PNGs, 353 MB,
    /// that barely compress) with a wide margin.
    public init(maxMemberSize: Int = 1 << 30, maxTotalSize: Int = 16 << 30, maxMemberCount: Int = 1_000_000,
                maxCompressionRatio: Int = 100, ratioCheckThreshold: Int = 1 << 20) {
        self.maxMemberSize = maxMemberSize
        self.maxTotalSize = maxTotalSize
        self.maxMemberCount = maxMemberCount
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckThreshold = ratioCheckThreshold
    }
}
