import FileFormats
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unpacks ZIP archives without trusting them, using the ZIP reader of `FileFormats` (stored and deflate members, ZIP64,
/// CRC-32 checked).
public enum ArchiveExtraction {
    /// Unpacks the ZIP at `archive` into `directory` (created if missing) and returns what was put there.
    ///
    /// Every member's name and declared size is checked before anything is written: absolute names, ".." components,
    /// backslashes, symbolic links, duplicate names and sizes beyond `limits` are refused. Members are streamed to
    /// disk (never held whole in memory) inside a hidden temporary folder in `directory`, and the archive's top-level
    /// items are renamed into place only once every member is written and its CRC checked, so a failure leaves
    /// `directory` as it was. Top-level items that already exist are replaced when `replacingExisting` is true and
    /// make the extraction fail otherwise. Files get mode 0644 and folders 0755: the archive's permissions and
    /// timestamps are ignored. `progress` is called on the calling thread. Throws `ExtractionError`.
    public static func extractZip(_ archive: URL, into directory: URL, replacingExisting: Bool = false,
                                  limits: ExtractionLimits = ExtractionLimits(),
                                  progress: (ExtractionProgress) -> Void = { _ in }) throws -> ExtractionSummary {
        let archivePath = archive.path(percentEncoded: false)
        let zip: ZipArchive
        do {
            zip = try ZipArchive(url: archive)
        } catch let error as FileFormatError {
            throw converted(error, archive: archivePath)
        }
        let plan = try Plan(zip.members, archive: archivePath, limits: limits)

        let destination = directory.path(percentEncoded: false)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ExtractionError(.disk, archive: archivePath, message: "cannot create the folder \(destination): \(error.localizedDescription)")
        }
        if !replacingExisting, let clash = plan.topLevel.first(where: { exists(destination + "/" + $0) }) {
            throw ExtractionError(.destinationExists, archive: archivePath,
                                  message: "\(destination)/\(clash) already exists; remove it or ask for it to be replaced")
        }
        try checkFreeSpace(for: plan, in: destination, archive: archivePath)

        // Inside the destination so the final renames stay on one file system, where rename is atomic.
        let staging = destination + "/.modelcheck-extract-" + UUID().uuidString
        guard mkdir(staging, 0o700) == 0 else { throw diskError("creating \(staging)", archive: archivePath) }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try unpack(plan, from: zip, into: staging, archive: archivePath, progress: progress)
        try moveIntoPlace(plan.topLevel, from: staging, to: destination, archive: archivePath)
        return ExtractionSummary(destination: directory, topLevelItems: plan.topLevel, fileCount: plan.files.count,
                                 byteCount: plan.byteCount)
    }

    /// The members to write, under their checked relative paths.
    private struct Plan {
        var files: [(member: ZipArchive.Member, path: String)] = []
        /// Every folder to create, implied parents included.
        var folders: Set<String> = []
        var topLevel: [String] = []
        var byteCount = 0

        init(_ members: [ZipArchive.Member], archive: String, limits: ExtractionLimits) throws {
            guard members.count <= limits.maxMemberCount else {
                throw ExtractionError(.tooManyMembers, archive: archive,
                                      message: "the archive has \(members.count) members, more than the limit of \(limits.maxMemberCount)")
            }
            var filePaths: Set<String> = []
            var seenTopLevel: Set<String> = []
            for member in members {
                func refuse(_ kind: ExtractionError.Kind, _ message: String) -> ExtractionError {
                    ExtractionError(kind, archive: archive, member: member.name, message: message)
                }
                let components = try ArchiveExtraction.safeComponents(of: member.name) { refuse(.unsafeName, $0) }
                if member.isSymbolicLink {
                    throw refuse(.symbolicLink, "symbolic links are not extracted: one could point outside the destination")
                }
                if member.isDirectory, member.uncompressedSize > 0 {
                    throw refuse(.corruptArchive, "a folder entry that declares \(member.uncompressedSize) bytes of data")
                }
                try Self.checkSize(of: member, limits: limits, refuse: refuse)
                let (total, overflow) = byteCount.addingReportingOverflow(member.uncompressedSize)
                guard !overflow, total <= limits.maxTotalSize else {
                    throw refuse(.archiveTooLarge, "the members declare more than the limit of \(limits.maxTotalSize) bytes in all")
                }
                byteCount = total

                // Every proper prefix is a folder, so no file may already sit there; the path itself must be new.
                var prefix = ""
                for component in member.isDirectory ? components : components.dropLast() {
                    prefix = prefix.isEmpty ? component : prefix + "/" + component
                    if filePaths.contains(prefix) {
                        throw refuse(.duplicateName, "'\(prefix)' is both a file and a folder in the archive")
                    }
                    folders.insert(prefix)
                }
                if !member.isDirectory {
                    let path = components.joined(separator: "/")
                    if filePaths.contains(path) || folders.contains(path) {
                        throw refuse(.duplicateName, "'\(path)' appears more than once in the archive")
                    }
                    filePaths.insert(path)
                    files.append((member, path))
                }
                if seenTopLevel.insert(components[0]).inserted { topLevel.append(components[0]) }
            }
        }

        private static func checkSize(of member: ZipArchive.Member, limits: ExtractionLimits,
                                      refuse: (ExtractionError.Kind, String) -> ExtractionError) throws {
            let size = member.uncompressedSize
            guard size <= limits.maxMemberSize else {
                throw refuse(.memberTooLarge, "declares \(size) bytes, more than the limit of \(limits.maxMemberSize)")
            }
            if size > limits.ratioCheckThreshold, size / max(member.compressedSize, 1) > limits.maxCompressionRatio {
                throw refuse(.compressionRatio, "declares \(size) bytes from \(member.compressedSize) compressed, a ratio over \(limits.maxCompressionRatio):1; refusing a likely decompression bomb")
            }
        }
    }

    /// The name's path components with "." and empty ones dropped; throws for anything that could leave the folder.
    static func safeComponents(of name: String, refuse: (String) -> ExtractionError) throws -> [String] {
        if name.contains("\0") { throw refuse("the name contains a NUL byte") }
        // Windows tools treat "\" as a separator, so "..\x" escapes there; it has no safe meaning anywhere.
        if name.contains("\\") { throw refuse("the name contains a backslash") }
        if name.hasPrefix("/") { throw refuse("absolute paths are not extracted") }
        let components = name.split(separator: "/").map(String.init).filter { $0 != "." }
        if components.contains("..") { throw refuse("names with '..' components are not extracted") }
        if let drive = components.first, drive.count == 2, drive.hasSuffix(":"), drive.first?.isLetter == true {
            throw refuse("absolute (drive-letter) paths are not extracted")
        }
        guard !components.isEmpty else { throw refuse("the name is empty once '.' and '/' are removed") }
        return components
    }

    /// Refuses before writing when the files, rounded up to whole blocks, would not fit.
    private static func checkFreeSpace(for plan: Plan, in destination: String, archive: String) throws {
        var info = statvfs()
        guard statvfs(destination, &info) == 0 else { return }  // unknown free space: let the writes tell
        let block = max(Int(info.f_frsize), 1)
        let available = Int(clamping: UInt64(info.f_bavail) &* UInt64(block))
        var needed = plan.folders.count * block
        for (member, _) in plan.files {
            needed += (member.uncompressedSize + block - 1) / block * block
        }
        guard needed <= available else {
            throw ExtractionError(.notEnoughSpace, archive: archive,
                                  message: "unpacking needs about \(needed) bytes but \(destination) has \(available) free")
        }
    }

    private static func unpack(_ plan: Plan, from zip: ZipArchive, into staging: String, archive: String,
                              progress: (ExtractionProgress) -> Void) throws {
        // Sorted order puts every folder after its parent.
        for folder in plan.folders.sorted() {
            guard mkdir(staging + "/" + folder, 0o755) == 0 else {
                throw diskError("creating the folder \(folder)", archive: archive)
            }
        }
        var report = ExtractionProgress(filesDone: 0, fileCount: plan.files.count, bytesDone: 0, byteCount: plan.byteCount)
        progress(report)
        for (member, path) in plan.files {
            let target = staging + "/" + path
            let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw diskError("creating \(path)", archive: archive, member: member.name) }
            do {
                defer { close(descriptor) }
                try zip.readMember(member) { chunk in
                    try writeAll(chunk, to: descriptor, path: path, archive: archive, member: member.name)
                    report.bytesDone += chunk.count
                    progress(report)
                }
            } catch let error as FileFormatError {
                throw converted(error, archive: archive)
            }
            report.filesDone += 1
            progress(report)
        }
    }

    private static func writeAll(_ chunk: UnsafeRawBufferPointer, to descriptor: Int32, path: String, archive: String,
                                 member: String) throws {
        var done = 0
        while done < chunk.count {
            let written = write(descriptor, chunk.baseAddress! + done, chunk.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw diskError("writing \(path)", archive: archive, member: member)
            }
            done += written
        }
    }

    /// Renames each top-level item from `staging` into `destination`, moving any existing one aside first; if a
    /// rename fails, the items already moved are put back so the destination is left as it was.
    private static func moveIntoPlace(_ items: [String], from staging: String, to destination: String,
                                      archive: String) throws {
        let aside = staging + "-previous"
        var moved: [(name: String, hadPrevious: Bool)] = []
        func rollBack() -> Bool {
            var intact = true
            for (name, hadPrevious) in moved.reversed() {
                intact = rename(destination + "/" + name, staging + "/" + name) == 0 && intact
                if hadPrevious { intact = rename(aside + "/" + name, destination + "/" + name) == 0 && intact }
            }
            return intact
        }
        for name in items {
            let target = destination + "/" + name
            let hadPrevious = exists(target)
            do {
                if hadPrevious {
                    guard exists(aside) || mkdir(aside, 0o700) == 0 else {
                        throw diskError("creating \(aside)", archive: archive)
                    }
                    guard rename(target, aside + "/" + name) == 0 else {
                        throw diskError("moving the existing \(target) aside", archive: archive)
                    }
                }
                guard rename(staging + "/" + name, target) == 0 else {
                    let failure = diskError("renaming the extracted \(name) into \(destination)", archive: archive)
                    if hadPrevious { _ = rename(aside + "/" + name, target) }
                    throw failure
                }
                moved.append((name, hadPrevious))
            } catch var error as ExtractionError {
                if !rollBack() {
                    // Keep the folder holding the previous items: it may be the only copy left.
                    error.message += "; restoring the previous contents also failed, they are in \(aside)"
                    throw error
                }
                try? FileManager.default.removeItem(atPath: aside)
                throw error
            }
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func converted(_ error: FileFormatError, archive: String) -> ExtractionError {
        let kind: ExtractionError.Kind = switch error.kind {
        case .crcMismatch: .crcMismatch
        case .unsupported: .unsupported
        case .io: .disk
        default: .corruptArchive
        }
        let message = error.offset.map { "at byte offset \($0): \(error.message)" } ?? error.message
        return ExtractionError(kind, archive: archive, member: error.key, message: message)
    }

    /// Captures `errno` immediately, before anything else can overwrite it.
    private static func diskError(_ operation: String, archive: String, member: String? = nil) -> ExtractionError {
        let code = errno
        return ExtractionError(.disk, archive: archive, member: member,
                               message: "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
