import Formatting
import Imaging

/// What `modelcheck data inspect` reports about a scanned dataset: classes and their counts,
/// groups, image sizes, and the problems found (undecodable, ignored, duplicate and tiny
/// images), each naming its files.
public struct DatasetInspection: Sendable, CustomStringConvertible {
    /// Smallest, median (mean of the two middle values for an even count) and largest value.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        /// The smallest value.
        public let min: Int
        /// The middle value, or the mean of the two middle values.
        public let median: Double
        /// The largest value.
        public let max: Int

        /// The summary of `values`, nil when there are none.
        public init?(_ values: [Int]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted(), n = sorted.count
            (min, max) = (sorted[0], sorted[n - 1])
            median = n % 2 == 1 ? Double(sorted[n / 2]) : Double(sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }

        /// "min 40, median 130.5, max 394".
        public var description: String {
            let m = median == median.rounded() ? "\(Int(median))" : "\(median)"
            return "min \(min), median \(m), max \(max)"
        }
    }

    /// An image file whose side is below the tiny threshold.
    public struct TinyImage: Sendable, Equatable {
        /// Path relative to the root.
        public let path: String
        /// Width in pixels.
        public let width: Int
        /// Height in pixels.
        public let height: Int
    }

    /// An image that could not be decoded, with the decoder's error.
    public struct Undecodable: Sendable {
        /// Path relative to the root.
        public let path: String
        /// The decoder's error; its `reason` is libpng's or libjpeg's own words.
        public let error: ImageError
    }

    /// The folder inspected.
    public let root: String
    /// The manifest's fingerprint.
    public let fingerprint: String
    /// Class names in label order.
    public let classNames: [String]
    /// Images per class, in label order.
    public let classCounts: [Int]
    /// The number of groups; nil when the manifest has none.
    public let groupCount: Int?
    /// Images per group; nil without groups.
    public let imagesPerGroup: Summary?
    /// Widths of the decodable images; nil when none decoded.
    public let width: Summary?
    /// Heights of the decodable images; nil when none decoded.
    public let height: Summary?
    /// Images the decoder rejected, in manifest order.
    public let undecodable: [Undecodable]
    /// Image files the manifest already leaves out (a name that is not UTF-8), by path.
    public let skipped: [DatasetManifest.SkippedImage]
    /// Files the scan left out, by reason.
    public let ignored: [(reason: DatasetManifest.IgnoredFile.Reason, paths: [String])]
    /// Sets of files with identical bytes, each in manifest order, sets by first file.
    public let duplicates: [[String]]
    /// Images with a side below `tinySide`, in manifest order.
    public let tiny: [TinyImage]
    /// The side, in pixels, below which an image counts as tiny.
    public let tinySide: Int

    /// Inspects `manifest`, decoding every image on all cores.
    public init(_ manifest: DatasetManifest, tinySide: Int = 32, limits: DecodeLimits = .default) {
        let urls = manifest.entries.map(manifest.url(of:))
        let sizes = ParallelMap.map(urls.count) { i -> Result<(Int, Int), ImageError> in
            do {
                let image = try ImageDecoder.decode(contentsOf: urls[i], limits: limits)
                return .success((image.width, image.height))
            } catch let error as ImageError {
                return .failure(error)
            } catch {
                return .failure(ImageError(file: urls[i].path, kind: .unreadable, reason: "\(error)"))
            }
        }
        var widths: [Int] = [], heights: [Int] = [], undecodable: [Undecodable] = [], tiny: [TinyImage] = []
        for (entry, result) in zip(manifest.entries, sizes) {
            switch result {
            case .success(let (w, h)):
                widths.append(w)
                heights.append(h)
                if min(w, h) < tinySide { tiny.append(TinyImage(path: entry.path, width: w, height: h)) }
            case .failure(let error):
                undecodable.append(Undecodable(path: entry.path, error: error))
            }
        }

        var perGroup: [String: Int] = [:]
        for entry in manifest.entries { if let group = entry.group { perGroup[group, default: 0] += 1 } }
        var byHash: [String: [String]] = [:], firstSeen: [String] = []
        for entry in manifest.entries {
            if byHash[entry.sha256] == nil { firstSeen.append(entry.sha256) }
            byHash[entry.sha256, default: []].append(entry.path)
        }

        (root, fingerprint, classNames, classCounts) = (manifest.root, manifest.fingerprint, manifest.classNames, manifest.classCounts)
        groupCount = perGroup.isEmpty ? nil : perGroup.count
        imagesPerGroup = Summary(Array(perGroup.values))
        (width, height) = (Summary(widths), Summary(heights))
        (self.undecodable, self.tiny, self.tinySide) = (undecodable, tiny, tinySide)
        ignored = manifest.ignoredByReason
        skipped = manifest.skipped
        duplicates = firstSeen.compactMap { byHash[$0]!.count > 1 ? byHash[$0]! : nil }
    }

    /// Classes without a single image.
    public var emptyClasses: [String] { zip(classNames, classCounts).filter { $0.1 == 0 }.map(\.0) }

    /// The number of problem findings: undecodable, skipped, ignored, duplicate-set, tiny and empty-class.
    public var problemCount: Int {
        undecodable.count + skipped.count + ignored.reduce(0) { $0 + $1.paths.count } + duplicates.count + tiny.count + emptyClasses.count
    }

    /// The report, one finding per line, files named.
    public var lines: [String] {
        var out = ["dataset \(root)", "fingerprint \(fingerprint)"]
        out.append("images \(classCounts.reduce(0, +)) in \(classNames.count) classes")
        out += TextTable.lines(zip(classNames, classCounts).map { ["  " + $0.0, "\($0.1)"] })
        if let groupCount, let imagesPerGroup {
            out.append("groups \(groupCount), images per group \(imagesPerGroup)")
        } else {
            out.append("groups: none (no group pattern)")
        }
        out.append("width  \(width.map(\.description) ?? "-")")
        out.append("height \(height.map(\.description) ?? "-")")
        out.append(problemCount == 0 ? "problems: none" : "problems: \(problemCount)")
        for name in emptyClasses { out.append("  empty class: \(name)") }
        if !undecodable.isEmpty {
            out.append("  undecodable images: \(undecodable.count)")
            out += undecodable.map { "    \($0.path): \($0.error.reason)" }
        }
        if !skipped.isEmpty {
            out.append("  unusable images: \(skipped.count)")
            out += skipped.map { "    " + $0.line }
        }
        for (reason, paths) in ignored {
            out.append("  ignored, \(reason.explanation): \(paths.count)")
            out += paths.map { "    \($0)" }
        }
        if !duplicates.isEmpty {
            out.append("  identical images: \(duplicates.count) sets, \(duplicates.reduce(0) { $0 + $1.count }) files")
            out += duplicates.map { "    " + $0.joined(separator: " = ") }
        }
        if !tiny.isEmpty {
            out.append("  tiny images (a side under \(tinySide) px): \(tiny.count)")
            out += tiny.map { "    \($0.path): \($0.width)x\($0.height)" }
        }
        return out
    }

    /// `lines`, joined.
    public var description: String { lines.joined(separator: "\n") }
}
