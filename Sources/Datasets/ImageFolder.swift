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
/// - Images are the files that start with a PNG or JPEG signature (whatever their name) and
///   the files named `.png`, `.jpg` or `.jpeg` (whatever their content: an empty or damaged
///   one is an image that does not decode, for `UnreadableImagePolicy` to stop at or skip).
/// - Left out, and listed with the reason: names starting with '.' (hidden folders are not
///   descended), files in the root itself, other files, devices, pipes and sockets.
/// - Names are read as bytes. A name below a class folder that is not UTF-8 cannot be written
///   in a report: an image (by the rules above) or a folder so named is listed in the
///   manifest's `skipped`, its bytes shown as `\xHH`; a class folder so named is an error
///   naming it.
/// - Symbolic links: the root and the class folders may be links (a dataset assembled from
///   links). A link to a file is followed: its target's bytes are hashed under the link's
///   path. Below the class folders, links to folders are not followed (they could loop or
///   bring the same images in twice) and, like broken links, are listed as ignored.
/// - Files are read and hashed on all cores; a file that cannot be read is an error naming it.
public enum ImageFolder {
    /// Scans `root`; `classes` fixes the class order, `groupPattern` names each image's group.
    public static func scan(_ root: URL, classes: [String]? = nil, groupPattern: GroupPattern? = nil) throws -> DatasetManifest {
        let rootPath = root.path
        guard kind(of: Array(rootPath.utf8), followingLinks: true) == .folder else { throw DatasetError.notAFolder(path: rootPath) }

        var found = Found()
        var classFolders: [String] = []
        for name in try list(rootPath) {
            if name.isHidden {
                found.ignored.append(.init(path: name.shown, reason: .hidden))
                continue
            }
            switch kind(of: name.path(in: rootPath), followingLinks: true) {
            case .folder:
                guard let text = name.text else {
                    throw DatasetError.unreadable(
                        path: rootPath + "/" + name.shown,
                        reason: "class folder name" + notUTF8)
                }
                classFolders.append(text)
            case .file: found.ignored.append(.init(path: name.shown, reason: .outsideClassFolder))
            case .other: found.ignored.append(.init(path: name.shown, reason: .notARegularFile))
            case .missing: found.ignored.append(.init(path: name.shown, reason: .brokenLink))
            case .link: preconditionFailure("links are followed here")
            }
        }
        let classNames = try classOrder(found: classFolders, requested: classes, root: rootPath)

        for (label, name) in classNames.enumerated() {
            try walk(rootPath, relative: name, label: label, into: &found)
        }

        let candidates = found.candidates
        let paths = candidates.map { rootPath + "/" + $0.path }
        let scanned = ParallelMap.map(paths.count) { i in Result { try hashFile(paths[i]) } }
        var entries: [DatasetManifest.Entry] = []
        for (candidate, result) in zip(candidates, scanned) {
            let file = try result.get()
            guard file.hasSignature || namedLikeImage(candidate.path) else {
                found.ignored.append(.init(path: candidate.path, reason: .notAnImage))
                continue
            }
            entries.append(.init(
                path: candidate.path, className: classNames[candidate.label], label: candidate.label,
                group: try groupPattern?.group(of: rootPath + "/" + candidate.path),
                byteCount: file.byteCount, sha256: file.sha256))
        }
        return DatasetManifest(root: rootPath, classNames: classNames, entries: entries, ignored: found.ignored,
                               skipped: found.skipped, groupPattern: groupPattern?.pattern)
    }

    /// What the walk collects: files to read, and files left out.
    private struct Found {
        var candidates: [(path: String, label: Int)] = []
        var ignored: [DatasetManifest.IgnoredFile] = []
        var skipped: [DatasetManifest.SkippedImage] = []
    }

    private static func classOrder(found: [String], requested: [String]?, root: String) throws -> [String] {
        guard let requested else {
            guard !found.isEmpty else { throw DatasetError.tooFewClasses(root: root, found: []) }
            return found.sorted(by: DatasetManifest.bytewise)
        }
        var seen = Set<String>()
        for name in requested where !seen.insert(name).inserted { throw DatasetError.duplicateClassName(name) }
        for name in requested where !found.contains(name) { throw DatasetError.missingClassFolder(name: name, root: root) }
        for name in found.sorted(by: DatasetManifest.bytewise) where !seen.contains(name) {
            throw DatasetError.unlistedClassFolder(name: name, root: root)
        }
        guard !requested.isEmpty else { throw DatasetError.tooFewClasses(root: root, found: []) }
        return requested
    }

    /// Collects the files below `relative` (a class folder, or a folder inside one).
    private static func walk(_ root: String, relative: String, label: Int, into found: inout Found) throws {
        let folder = root + "/" + relative
        for name in try list(folder) {
            let path = relative + "/" + name.shown
            if name.isHidden {
                found.ignored.append(.init(path: path, reason: .hidden))
                continue
            }
            // A name that is not UTF-8 cannot be a manifest path: an image (or a folder that may
            // hold some) so named is skipped with its bytes shown; anything else is ignored as usual.
            func file() throws {
                guard name.text == nil else { return found.candidates.append((path, label)) }
                let isImage = try namedLikeImage(path) || hasSignature(head(of: name.path(in: folder), shown: root + "/" + path))
                guard isImage else {
                    return found.ignored.append(.init(path: path, reason: .notAnImage))
                }
                found.skipped.append(.init(path: path, cause: .nameNotUTF8, reason: "file name" + notUTF8))
            }
            switch kind(of: name.path(in: folder), followingLinks: false) {
            case .folder:
                guard name.text != nil else {
                    found.skipped.append(.init(path: path, cause: .nameNotUTF8, reason: "folder name" + notUTF8 + "; its images were not scanned"))
                    continue
                }
                try walk(root, relative: path, label: label, into: &found)
            case .file:
                try file()
            case .link:
                switch kind(of: name.path(in: folder), followingLinks: true) {
                case .file: try file()
                case .folder: found.ignored.append(.init(path: path, reason: .linkToFolder))
                case .missing: found.ignored.append(.init(path: path, reason: .brokenLink))
                case .other, .link: found.ignored.append(.init(path: path, reason: .notARegularFile))
                }
            case .other:
                found.ignored.append(.init(path: path, reason: .notARegularFile))
            case .missing:
                throw vanished(root + "/" + path)
            }
        }
    }

    /// How a skipped name's reason goes on after "file name" or "folder name".
    private static let notUTF8 = " is not valid UTF-8 (bytes that are not UTF-8 are shown as \\xHH); rename it"

    /// The first bytes of the file at `path` (bytes, which need not be UTF-8); `shown` names it in errors.
    private static func head(of path: [UInt8], shown: String) throws -> [UInt8] {
        let fd = (path + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY) } }
        guard fd >= 0 else { throw DatasetError.unreadable(path: shown, reason: "cannot read file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw DatasetError.unreadable(path: shown, reason: "cannot read file: \(String(cString: strerror(errno)))") }
        return Array(bytes.prefix(count))
    }

    /// Whether `bytes` start with a PNG or JPEG signature (the test ImageDecoder applies).
    private static func hasSignature<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        let start = Array(bytes.prefix(4))
        return start.starts(with: [0x89, 0x50, 0x4E, 0x47]) || start.starts(with: [0xFF, 0xD8])
    }

    private static func vanished(_ path: String) -> DatasetError {
        DatasetError.unreadable(path: path, reason: "vanished while the folder was scanned")
    }

    /// The extensions that make a file an image whatever its content.
    private static func namedLikeImage(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return ["png", "jpg", "jpeg"].contains(path[path.index(after: dot)...].lowercased())
    }

    /// The entries of `folder` (a UTF-8 path), in byte order of their names, read with
    /// readdir so that a name that is not UTF-8 keeps its bytes.
    private static func list(_ folder: String) throws -> [FileName] {
        guard let handle = opendir(folder) else {
            throw DatasetError.unreadable(path: folder, reason: "cannot list folder: \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var names: [FileName] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                guard errno == 0 else {
                    throw DatasetError.unreadable(path: folder, reason: "cannot list folder: \(String(cString: strerror(errno)))")
                }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes != [0x2E] && bytes != [0x2E, 0x2E] { names.append(FileName(bytes)) }
        }
        return names.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    private enum Kind { case folder, file, link, other, missing }

    /// What the path whose bytes are `path` (no terminating NUL) is.
    private static func kind(of path: [UInt8], followingLinks: Bool) -> Kind {
        var info = stat()
        let status = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { followingLinks ? stat($0.baseAddress!, &info) : lstat($0.baseAddress!, &info) }
        }
        guard status == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        case S_IFLNK: return .link
        default: return .other
        }
    }

    /// Size, SHA-256 and whether the first bytes are a PNG or JPEG signature.
    private static func hashFile(_ path: String) throws -> (byteCount: Int, sha256: String, hasSignature: Bool) {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DatasetError.unreadable(path: path, reason: "cannot read file: \(error.localizedDescription)")
        }
        return (bytes.count, DatasetManifest.hex(SHA256.hash(data: bytes)), hasSignature(bytes))
    }
}
