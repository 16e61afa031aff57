/// How far a download has come, reported to the caller's progress callback.
public struct DownloadProgress: Sendable, Equatable {
    /// What the downloader is doing.
    public enum Phase: Sendable, Equatable {
        /// Receiving bytes into the `.part` file.
        case downloading
        /// Hashing the complete file (an existing final file, or a finished download) with SHA-256.
        case verifying
    }

    /// The current activity.
    public var phase: Phase
    /// Bytes received (including any resumed from an earlier run) or hashed so far.
    public var bytesDone: Int
    /// The file's full size, when the catalogue or the server states it.
    public var totalBytes: Int?

    /// Creates a progress report.
    public init(phase: Phase, bytesDone: Int, totalBytes: Int?) {
        self.phase = phase
        self.bytesDone = bytesDone
        self.totalBytes = totalBytes
    }

    /// Fraction complete in 0...1, when the total is known and non-zero.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesDone) / Double(totalBytes))
    }
}
