import Imaging

/// What loading does with an image that cannot be read or decoded: stop, or leave it out
/// and say so. Never a silent drop: skipped images are listed in `DecodedImages.skipped`.
public enum UnreadableImagePolicy: String, Sendable, Codable, CaseIterable {
    /// Stop with the first such image's `ImageError` (first in the order asked, whatever
    /// the thread timing).
    case fail
    /// Leave such images out and list each with its error.
    case skip

    /// Decodes the manifest entries at `indices` on all cores, applying this policy.
    public func decode(_ indices: [Int], of manifest: DatasetManifest, limits: DecodeLimits = .default) throws -> DecodedImages {
        let urls = indices.map { manifest.url(of: manifest.entries[$0]) }
        let results = ParallelMap.map(urls.count) { i in
            Result { try ImageDecoder.decode(contentsOf: urls[i], limits: limits) }
        }
        var decoded: [(entry: Int, image: RGBImage)] = []
        var skipped: [DecodedImages.Skipped] = []
        for (entry, result) in zip(indices, results) {
            switch result {
            case .success(let image):
                decoded.append((entry, image))
            case .failure(let error as ImageError):
                if self == .fail { throw error }
                skipped.append(.init(entry: entry, path: manifest.entries[entry].path, error: error))
            case .failure(let error):
                throw error
            }
        }
        return DecodedImages(entries: decoded.map(\.entry), images: decoded.map(\.image), skipped: skipped)
    }
}
