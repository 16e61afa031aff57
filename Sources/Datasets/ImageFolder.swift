import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a dataset laid out as one subfolder of images per class (`ROOT/CLASS/...`) into a
/// `DatasetManifest`.
///
/// - Classes are the root's subfolders, in UTF-8 byte order of their names, or in the order
///   the caller gives, which must name every class folder exactly once.
/// - Class folders are searched recursively; files are listed in UTF-8 byte order of their
///   paths, never in a locale's collation order, so every machine lists them alike.
/// - Left out, and listed with the reason: names starting with '.' (hidden folders are not
///   descended), files in the root itself, files that do not start with a PNG or JPEG
///   signature (whatever their extension), devices, pipes and sockets.
/// - Symbolic links: the root and the class folders may be links (a dataset assembled from
///   links). A link to a file is followed: its target's bytes are hashed under the link's
///   path. Below the class folders, links to folders are not followed (they could loop or
///   bring the same images in twice) and, like broken links, are listed as ignored.
/// - Files are read and hashed on all cores; a file that cannot be read is an error naming it.
public enum ImageFolder {
    /// Scans `root`; `classes` fixes the class order, `groupPattern` names each image's group.
    public static func scan(_ root: URL, classes: [String]? = nil, groupPattern: GroupPattern? = nil) throws -> DatasetManifest {
        let rootPath = root.path
        guard kind(of: rootPath, followingLinks: true) == .folder else { throw DatasetError.notAFolder(path: rootPath) }

        var ignored: [DatasetManifest.IgnoredFile] = []
        var classFolders: [String] = []
        for name in try list(rootPath) {
            if name.hasPrefix(".") {
                ignored.append(.init(path: name, reason: .hidden))
                continue
            }
            switch kind(of: rootPath + "/" + name, followingLinks: true) {
            case .folder: classFolders.append(name)
            case .file: ignored.append(.init(path: name, reason: .outsideClassFolder))
            case .other: ignored.append(.init(path: name, reason: .notARegularFile))
            case .missing: ignored.append(.init(path: name, reason: .brokenLink))
            case .link: preconditionFailure("links are followed here")
            }
        }
        let classNames = try classOrder(found: classFolders, requested: classes, root: rootPath)

        var candidates: [(path: String, label: Int)] = []
        for (label, name) in classNames.enumerated() {
            try walk(rootPath, relative: name, label: label, into: &candidates, ignored: &ignored)
        }

        let paths = candidates.map { rootPath + "/" + $0.path }
        let scanned = ParallelMap.map(paths.count) { i in Result { try read(paths[i]) } }
        var entries: [DatasetManifest.Entry] = []
        for (candidate, result) in zip(candidates, scanned) {
            guard let (byteCount, sha256) = try result.get() else {
                ignored.append(.init(path: candidate.path, reason: .notAnImage))
                continue
            }
            entries.append(.init(
                path: candidate.path, className: classNames[candidate.label], label: candidate.label,
                group: try groupPattern?.group(of: rootPath + "/" + candidate.path),
                byteCount: byteCount, sha256: sha256))
        }
        return DatasetManifest(
            root: rootPath, classNames: classNames, entries: entries, ignored: ignored, groupPattern: groupPattern?.pattern)
    }

    private static func classOrder(found: [String], requested: [String]?, root: String) throws -> [String] {
        guard let requested else {
            guard !found.isEmpty else { throw DatasetError.noClasses(root: root) }
            return found.sorted(by: DatasetManifest.bytewise)
        }
        var seen = Set<String>()
        for name in requested where !seen.insert(name).inserted { throw DatasetError.duplicateClassName(name) }
        for name in requested where !found.contains(name) { throw DatasetError.missingClassFolder(name: name, root: root) }
        for name in found.sorted(by: DatasetManifest.bytewise) where !seen.contains(name) {
            throw DatasetError.unlistedClassFolder(name: name, root: root)
        }
        guard !requested.isEmpty else { throw DatasetError.noClasses(root: root) }
        return requested
    }

    /// Collects the files below `relative` (a class folder, or a folder inside one).
    private static func walk(
        _ root: String, relative: String, label: Int,
        into candidates: inout [(path: String, label: Int)], ignored: inout [DatasetManifest.IgnoredFile]
    ) throws {
        for name in try list(root + "/" + relative) {
            let path = relative + "/" + name
            if name.hasPrefix(".") {
                ignored.append(.init(path: path, reason: .hidden))
                continue
            }
            switch kind(of: root + "/" + path, followingLinks: false) {
            case .folder:
                try walk(root, relative: path, label: label, into: &candidates, ignored: &ignored)
            case .file:
                candidates.append((path, label))
            case .link:
                switch kind(of: root + "/" + path, followingLinks: true) {
                case .file: candidates.append((path, label))
                case .folder: ignored.append(.init(path: path, reason: .linkToFolder))
                case .missing: ignored.append(.init(path: path, reason: .brokenLink))
                case .other, .link: ignored.append(.init(path: path, reason: .notARegularFile))
                }
            case .other:
                ignored.append(.init(path: path, reason: .notARegularFile))
            case .missing:
                throw DatasetError.unreadable(path: root + "/" + path, reason: "vanished while the folder was scanned")
            }
        }
    }

    /// The names in `folder`, in UTF-8 byte order.
    private static func list(_ folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted(by: DatasetManifest.bytewise)
        } catch {
            throw DatasetError.unreadable(path: folder, reason: "cannot list folder: \(error.localizedDescription)")
        }
    }

    private enum Kind { case folder, file, link, other, missing }

    private static func kind(of path: String, followingLinks: Bool) -> Kind {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        case S_IFLNK: return .link
        default: return .other
        }
    }

    /// Size and SHA-256 of an image file, or nil when its first bytes are not a PNG or JPEG
    /// signature (the same test ImageDecoder applies).
    private static func read(_ path: String) throws -> (Int, String)? {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DatasetError.unreadable(path: path, reason: "cannot read file: \(error.localizedDescription)")
        }
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) || bytes.starts(with: [0xFF, 0xD8]) else { return nil }
        return (bytes.count, DatasetManifest.hex(SHA256.hash(data: bytes)))
    }
}
