import Imaging

/// What loading does with an image that cannot be read or decoded, or whose name is not
/// UTF-8: stop, or leave it out and say so. Never a silent drop: skipped images are listed in
/// `DecodedImages.skipped`, and screening lists them in the manifest's `skipped`.
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

    /// Decodes every entry once to prove it usable, keeping only each image's size (so a
    /// large dataset is screened in constant memory), and applies this policy to the images
    /// that fail and to those the scan could not name (the manifest's `skipped`): `fail`
    /// stops at the first, `skip` moves each failing entry to `skipped`, which the
    /// fingerprint covers. Returns that manifest and the pixel areas of its entries.
    public func screen(_ manifest: DatasetManifest, limits: DecodeLimits = .default) throws
        -> (manifest: DatasetManifest, areas: [Int]) {
        if self == .fail, let first = manifest.skipped.first {
            throw ImageError(file: manifest.root + "/" + first.path, kind: .unreadable,
                             reason: first.reason + "; set unreadable: skip to leave it out")
        }
        let urls = manifest.entries.map { manifest.url(of: $0) }
        let results = ParallelMap.map(urls.count) { i in
            Result { () throws -> Int in
                let image = try ImageDecoder.decode(contentsOf: urls[i], limits: limits)
                return image.width * image.height
            }
        }
        var kept: [DatasetManifest.Entry] = [], areas: [Int] = [], skipped: [DatasetManifest.SkippedImage] = []
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let area):
                kept.append(manifest.entries[i])
                areas.append(area)
            case .failure(let error as ImageError):
                if self == .fail { throw error }
                skipped.append(.init(path: manifest.entries[i].path, cause: .init(error.kind), reason: error.reason))
            case .failure(let error):
                throw error
            }
        }
        guard !skipped.isEmpty else { return (manifest, areas) }
        return (manifest.keeping(kept, skipping: skipped), areas)
    }
}
