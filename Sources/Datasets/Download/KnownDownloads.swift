import Foundation

/// The files modelcheck knows how to fetch, where they live and what they must look like.
///
/// Every address can be redirected to a mirror, by the `base` parameter or else the `MODELCHECK_DOWNLOAD_BASE`
/// environment variable: a mirror serves each file flat, as `<base>/<file name>` (for example
/// `python3 -m http.server` in a folder holding `cell_images.zip` and the `.npz` files).
public enum KnownDownloads {
    /// The environment variable naming a mirror's base URL.
    public static let mirrorVariable = "MODELCHECK_DOWNLOAD_BASE"

    /// The NIH malaria cell-image archive (27,558 PNGs in `cell_images/Parasitized` and `cell_images/Uninfected`).
    public static let malariaURL = URL(string: "https://data.lhncbc.nlm.nih.gov/public/Malaria/cell_images.zip")!
    // The size and hash come from tensorflow/datasets' url_checksums/malaria.txt, which recorded them for the same
    // file at its older address, https://ceb.nlm.nih.gov/proj/malaria/cell_images.zip.
    /// The malaria archive's size in bytes.
    public static let malariaSize = 353_452_851
    /// The malaria archive's SHA-256.
    public static let malariaSHA256 = "0a949556b2414159b5100192609805376654c4266d8d187be9b1922fad43c668"

    /// Where the BiT authors publish their checkpoints.
    public static let checkpointBaseURL = URL(string: "https://storage.googleapis.com/bit_models/")!
    /// Every published checkpoint: BiT-S (ILSVRC-2012) and BiT-M (ImageNet-21k) in six architectures, and the BiT-M
    /// models fine-tuned on ILSVRC-2012 (suffix "-ILSVRC2012").
    public static let checkpointNames: [String] = {
        let architectures = ["R50x1", "R50x3", "R101x1", "R101x3", "R152x2", "R152x4"]
        return architectures.map { "BiT-S-\($0)" } + architectures.map { "BiT-M-\($0)" }
            + architectures.map { "BiT-M-\($0)-ILSVRC2012" }
    }()

    /// The malaria archive as a download item, checked against its pinned size and SHA-256.
    public static func malaria(base: URL? = nil) throws -> DownloadItem {
        let url = try resolvedBase(base).map { $0.appending(component: "cell_images.zip") } ?? malariaURL
        return try DownloadItem(url: url, fileName: "cell_images.zip", expectedSize: malariaSize,
                                expectedSHA256: malariaSHA256)
    }

    /// A BiT checkpoint (`name` from `checkpointNames`, ".npz" optional) as a download item.
    ///
    /// The BiT authors publish no hashes, so without `sha256` the only check is that the file has the size the
    /// server declares; the SHA-256 of what arrived is returned so the user can pin it (`--sha256`) next time.
    public static func checkpoint(named name: String, sha256: String? = nil, base: URL? = nil) throws -> DownloadItem {
        let bare = name.hasSuffix(".npz") ? String(name.dropLast(4)) : name
        guard checkpointNames.contains(bare) else {
            throw DownloadError(.invalidInput, url: "", file: "",
                                message: "unknown BiT checkpoint '\(name)'; known: \(checkpointNames.joined(separator: ", "))")
        }
        let fileName = bare + ".npz"
        let url = (try resolvedBase(base) ?? checkpointBaseURL).appending(component: fileName)
        return try DownloadItem(url: url, fileName: fileName, expectedSHA256: sha256)
    }

    /// The mirror named by `MODELCHECK_DOWNLOAD_BASE` in `environment`, or nil when it is unset or empty.
    public static func mirrorBase(in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL? {
        guard let text = environment[mirrorVariable], !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil
        else {
            throw DownloadError(.invalidInput, url: text, file: "",
                                message: "\(mirrorVariable) must be an http:// or https:// URL")
        }
        return url
    }

    /// Downloads the malaria archive into `directory` as `cell_images.zip` (kept, so a rerun only re-verifies it)
    /// and unpacks it there, replacing any earlier `directory/cell_images` once the new tree is complete.
    public static func fetchMalaria(
        into directory: URL, base: URL? = nil, downloader: Downloader = Downloader(),
        downloadProgress: @escaping @Sendable (DownloadProgress) -> Void = { _ in },
        extractionProgress: (ExtractionProgress) -> Void = { _ in }
    ) async throws -> FetchedArchive {
        try await fetchArchive(malaria(base: base), into: directory, downloader: downloader,
                               downloadProgress: downloadProgress, extractionProgress: extractionProgress)
    }

    /// Downloads the checkpoint `name` into `directory` as `<name>.npz`; see `checkpoint(named:sha256:base:)` for
    /// what is verified.
    public static func fetchCheckpoint(
        named name: String, into directory: URL, sha256: String? = nil, base: URL? = nil,
        downloader: Downloader = Downloader(), progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }
    ) async throws -> DownloadResult {
        try await downloader.download(checkpoint(named: name, sha256: sha256, base: base), into: directory,
                                      progress: progress)
    }

    /// Download, then unpack beside the archive; separate from `fetchMalaria` so tests can use their own archive.
    static func fetchArchive(
        _ item: DownloadItem, into directory: URL, downloader: Downloader,
        downloadProgress: @escaping @Sendable (DownloadProgress) -> Void,
        extractionProgress: (ExtractionProgress) -> Void
    ) async throws -> FetchedArchive {
        let download = try await downloader.download(item, into: directory, progress: downloadProgress)
        let extraction = try ArchiveExtraction.extractZip(download.file, into: directory, replacingExisting: true,
                                                          progress: extractionProgress)
        return FetchedArchive(download: download, extraction: extraction)
    }

    private static func resolvedBase(_ base: URL?) throws -> URL? {
        try base ?? mirrorBase()
    }
}
