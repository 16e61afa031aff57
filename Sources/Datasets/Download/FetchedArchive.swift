/// An archive downloaded, verified and unpacked.
public struct FetchedArchive: Sendable, Equatable {
    /// The verified archive, kept beside the unpacked files so a rerun does not download it again.
    public var download: DownloadResult
    /// What the archive unpacked to.
    public var extraction: ExtractionSummary
}
