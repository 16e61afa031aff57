import AtomicWrite
import Crypto
import Foundation
import Imaging

/// Every image of a dataset with its class, group, size and SHA-256, the files left out and
/// why, and a fingerprint that identifies the whole.
///
/// ## Fingerprint
/// The lowercase hex SHA-256 of the UTF-8 bytes of this canonical text (`\n` is one LF byte,
/// `\t` one TAB byte; every line, the last included, ends in LF):
/// ```
/// modelcheck-manifest-v1\n
/// classes\t<number of classes>\n
/// <class name>\n                                   one line per class, in label order
/// entries\t<number of entries>\n
/// <path>\t<label>\t<group>\t<byte size>\t<sha256>\n  one line per entry, in manifest order
/// ```
/// `<path>` is relative to the root with `/` separators, entries sorted by its UTF-8 bytes;
/// `<label>` and `<byte size>` are decimal; `<group>` is empty when the entry has none;
/// `<sha256>` is lowercase hex. When images were skipped (see `SkippedImage`), and only then,
/// so that a dataset without any keeps its fingerprint, the text goes on:
/// ```
/// skipped\t<number skipped>\n
/// <path>\t<cause>\n                                  one line per skipped image, sorted by path
/// ```
/// `<cause>` is the `SkippedImage.Cause` raw value. In names, `\` is written `\\`, TAB `\t`,
/// LF `\n`, CR `\r` (two characters each), so that no name can forge a field or line. Ignored
/// files (not images), the root and the group pattern's source are not part of it: the
/// fingerprint says which bytes, under which paths, labels and groups, make up the dataset,
/// and which image files it leaves out, wherever it lies.
///
/// Recomputing it with shell tools, for a manifest without groups:
/// ```
/// { printf 'modelcheck-manifest-v1\nclasses\t2\nParasitized\nUninfected\nentries\t%d\n' N
///   ... one printf '%s\t%d\t\t%d\t%s\n' PATH LABEL SIZE SHA per entry ...; } | sha256sum
/// ```
public struct DatasetManifest: Codable, Sendable, Equatable {
    /// One image file.
    public struct Entry: Codable, Sendable, Equatable, Hashable {
        /// Path relative to the root, components joined by `/`.
        public var path: String
        /// The class folder it lies in.
        public var className: String
        /// The class's index in `classNames`.
        public var label: Int
        /// What the group pattern extracted from the file name; nil without a pattern.
        public var group: String?
        /// File size in bytes.
        public var byteCount: Int
        /// Lowercase hex SHA-256 of the file's bytes.
        public var sha256: String

        /// An entry; `path` is relative to the manifest's root.
        public init(path: String, className: String, label: Int, group: String?, byteCount: Int, sha256: String) {
            (self.path, self.className, self.label, self.group) = (path, className, label, group)
            (self.byteCount, self.sha256) = (byteCount, sha256)
        }

        /// The last path component.
        public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
    }

    /// A file or folder the scan left out, and why.
    public struct IgnoredFile: Codable, Sendable, Equatable, Hashable {
        /// Why a file is not part of the dataset.
        public enum Reason: String, Codable, Sendable, CaseIterable, Comparable {
            /// Its name starts with '.' (a hidden folder is listed once, not descended).
            case hidden
            /// It neither starts with a PNG (`89 50 4E 47`) or JPEG (`FF D8`) signature nor
            /// is named `.png`, `.jpg` or `.jpeg` (such a file is an image that does not decode).
            case notAnImage
            /// It lies directly in the root, outside every class folder.
            case outsideClassFolder
            /// A symbolic link to a folder below a class folder: not followed, since it could
            /// loop or bring the same images in twice.
            case linkToFolder
            /// A symbolic link whose target does not exist.
            case brokenLink
            /// A device, pipe or socket.
            case notARegularFile

            /// Declaration order, so that reports list reasons the same way every time.
            public static func < (a: Reason, b: Reason) -> Bool {
                allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
            }

            /// Words for reports.
            public var explanation: String {
                switch self {
                case .hidden: "hidden (name starts with '.')"
                case .notAnImage: "not a PNG or JPEG (by content or name)"
                case .outsideClassFolder: "outside the class folders"
                case .linkToFolder: "symbolic link to a folder (not followed)"
                case .brokenLink: "broken symbolic link"
                case .notARegularFile: "not a regular file"
                }
            }
        }

        /// Path relative to the root, components joined by `/`.
        public var path: String
        /// Why it was left out.
        public var reason: Reason

        /// A left-out file.
        public init(path: String, reason: Reason) { (self.path, self.reason) = (path, reason) }
    }

    /// Bumped when the JSON layout or the fingerprint's canonical text changes.
    public static let formatVersion = 1

    /// The layout version this manifest was written with.
    public let formatVersion: Int
    /// The folder that was scanned; entry paths are relative to it.
    public let root: String
    /// Class names in label order.
    public let classNames: [String]
    /// The regular expression that named the groups, if any (informational).
    public let groupPattern: String?
    /// The images, sorted by the UTF-8 bytes of their paths.
    public let entries: [Entry]
    /// Files left out, sorted by the UTF-8 bytes of their paths.
    public let ignored: [IgnoredFile]
    /// Image files the dataset cannot use, sorted by the UTF-8 bytes of their paths.
    public let skipped: [SkippedImage]
    /// SHA-256 hex of the canonical text (see the type's documentation).
    public let fingerprint: String

    /// A manifest of `entries` (sorted here) under `root`; labels must index `classNames`.
    public init(root: String, classNames: [String], entries: [Entry], ignored: [IgnoredFile] = [], skipped: [SkippedImage] = [],
                groupPattern: String? = nil) {
        for entry in entries {
            precondition(classNames.indices.contains(entry.label) && classNames[entry.label] == entry.className,
                          "\(entry.path): label \(entry.label) does not name class '\(entry.className)'")
        }
        formatVersion = Self.formatVersion
        self.root = root
        self.classNames = classNames
        self.groupPattern = groupPattern
        self.entries = entries.sorted { Self.bytewise($0.path, $1.path) }
        self.ignored = ignored.sorted { Self.bytewise($0.path, $1.path) }
        self.skipped = skipped.sorted { Self.bytewise($0.path, $1.path) }
        fingerprint = Self.fingerprint(classNames: classNames, entries: self.entries, skipped: self.skipped)
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, root, classNames, groupPattern, entries, ignored, skipped, fingerprint
    }

    /// Reads a manifest; one saved before skipped images were recorded has none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        root = try c.decode(String.self, forKey: .root)
        classNames = try c.decode([String].self, forKey: .classNames)
        groupPattern = try c.decodeIfPresent(String.self, forKey: .groupPattern)
        entries = try c.decode([Entry].self, forKey: .entries)
        ignored = try c.decode([IgnoredFile].self, forKey: .ignored)
        skipped = try c.decodeIfPresent([SkippedImage].self, forKey: .skipped) ?? []
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
    }

    /// This manifest with `kept` as its entries and `more` added to its skipped images.
    func keeping(_ kept: [Entry], skipping more: [SkippedImage]) -> DatasetManifest {
        DatasetManifest(root: root, classNames: classNames, entries: kept, ignored: ignored, skipped: skipped + more,
                        groupPattern: groupPattern)
    }

    /// The file of `entry`.
    public func url(of entry: Entry) -> URL {
        URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent(entry.path)
    }

    /// The number of images of each class, in label order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for entry in entries { counts[entry.label] += 1 }
        return counts
    }

    /// The ignored files by reason, reasons in declaration order, paths sorted.
    public var ignoredByReason: [(reason: IgnoredFile.Reason, paths: [String])] {
        Dictionary(grouping: ignored, by: \.reason).sorted { $0.key < $1.key }.map { ($0.key, $0.value.map(\.path)) }
    }

    /// The canonical text the fingerprint hashes.
    public static func canonicalText(classNames: [String], entries: [Entry], skipped: [SkippedImage] = []) -> String {
        var text = "modelcheck-manifest-v1\nclasses\t\(classNames.count)\n"
        for name in classNames { text += escaped(name) + "\n" }
        text += "entries\t\(entries.count)\n"
        for e in entries {
            text += "\(escaped(e.path))\t\(e.label)\t\(escaped(e.group ?? ""))\t\(e.byteCount)\t\(e.sha256)\n"
        }
        guard !skipped.isEmpty else { return text }
        text += "skipped\t\(skipped.count)\n"
        for s in skipped { text += "\(escaped(s.path))\t\(s.cause.rawValue)\n" }
        return text
    }

    /// SHA-256 hex of `canonicalText(classNames:entries:skipped:)`.
    public static func fingerprint(classNames: [String], entries: [Entry], skipped: [SkippedImage] = []) -> String {
        hex(SHA256.hash(data: Array(canonicalText(classNames: classNames, entries: entries, skipped: skipped).utf8)))
    }

    /// Writes the manifest as JSON so that readers see the old file or the complete new one.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw DatasetError.invalidManifest(path: url.path, reason: "cannot encode: \(error)")
        }
        do { try AtomicFile.replace(url, with: data) } catch let e as FileWriteError {
            throw DatasetError.invalidManifest(path: e.file, reason: e.reason)
        }
    }

    /// Reads a manifest written by `save(to:)`, checking that its fingerprint still matches
    /// its entries, so that a hand-edited or damaged file is caught here.
    public static func load(from url: URL) throws -> DatasetManifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError.unreadable(path: url.path, reason: "cannot read manifest: \(error.localizedDescription)")
        }
        let manifest: DatasetManifest
        do { manifest = try JSONDecoder().decode(DatasetManifest.self, from: data) } catch {
            throw DatasetError.invalidManifest(path: url.path, reason: "not a manifest: \(error)")
        }
        guard manifest.formatVersion == formatVersion else {
            throw DatasetError.invalidManifest(
                path: url.path, reason: "format version \(manifest.formatVersion), this modelcheck reads \(formatVersion)")
        }
        for entry in manifest.entries {
            guard manifest.classNames.indices.contains(entry.label), manifest.classNames[entry.label] == entry.className else {
                throw DatasetError.invalidManifest(
                    path: url.path, reason: "entry \(entry.path): label \(entry.label) does not name class '\(entry.className)'")
            }
        }
        let sorted = zip(manifest.entries, manifest.entries.dropFirst()).allSatisfy { bytewise($0.path, $1.path) }
        guard sorted else {
            throw DatasetError.invalidManifest(path: url.path, reason: "entries are not sorted by path (edited by hand?)")
        }
        let computed = fingerprint(classNames: manifest.classNames, entries: manifest.entries, skipped: manifest.skipped)
        guard computed == manifest.fingerprint else {
            throw DatasetError.invalidManifest(
                path: url.path, reason: "stored fingerprint \(manifest.fingerprint) does not match its entries (\(computed))")
        }
        return manifest
    }

    /// Path order by UTF-8 bytes: the same on every machine, whatever the locale.
    static func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    private static func escaped(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
