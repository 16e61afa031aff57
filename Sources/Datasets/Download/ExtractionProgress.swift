/// How far an extraction has come, reported to the caller's progress callback.
public struct ExtractionProgress: Sendable, Equatable {
    /// Files fully written so far.
    public var filesDone: Int
    /// Files the archive holds (folders not counted).
    public var fileCount: Int
    /// Uncompressed bytes written so far.
    public var bytesDone: Int
    /// Uncompressed bytes the archive declares.
    public var byteCount: Int

    /// Creates a progress report.
    public init(filesDone: Int, fileCount: Int, bytesDone: Int, byteCount: Int) {
        self.filesDone = filesDone
        self.fileCount = fileCount
        self.bytesDone = bytesDone
        self.byteCount = byteCount
    }
}
