import AtomicWrite
import Foundation
import Training

/// Says on stderr how many stale temporary files were removed from `folder`; nothing when none were.
func noteRemovedTemporaryFiles(_ count: Int, in folder: String) {
    guard count > 0 else { return }
    let files = count == 1 ? "1 stale temporary file" : "\(count) stale temporary files"
    FileHandle.standardError.write(Data("modelcheck: removed \(files) left in \(folder) by an interrupted write\n".utf8))
}

/// Removes the stale temporary files of each of `files` (theirs only, never another file's) and says on stderr
/// how many went from each folder.
func removeStaleTemporaryFiles(of files: [URL]) {
    var removed: [String: Int] = [:]
    for file in files {
        let folder = file.deletingLastPathComponent()
        removed[folder.path, default: 0] += StaleTemporaryFiles.remove(in: folder, destination: file.lastPathComponent).count
    }
    for (folder, count) in removed.sorted(by: { $0.key < $1.key }) { noteRemovedTemporaryFiles(count, in: folder) }
}

extension RunFolderLock {
    /// `acquire`, saying on stderr how many stale temporary files it removed from the folder.
    static func take(_ folder: URL, purpose: String) throws -> RunFolderLock {
        let lock = try acquire(folder, purpose: purpose)
        noteRemovedTemporaryFiles(lock.removedTemporaryFiles.count, in: lock.folder.path)
        return lock
    }
}
