import Foundation

extension Spec {
    /// The same spec on another folder with the same classes (`train`/`certify SPEC --data DIR`):
    /// its split, recipe and checks, that folder's images, and `metadata` (the spec's own metadata
    /// file describes its own folder, so it does not carry over). Throws when `folder` is not a folder.
    public func onData(_ folder: URL, metadata: URL?) throws -> Spec {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw OtherDataError(description: "\(folder.path): no such folder (--data names a folder with one subfolder per class)")
        }
        if let metadata, !FileManager.default.fileExists(atPath: metadata.path) {
            throw OtherDataError(description: "\(metadata.path): no such metadata file")
        }
        var spec = self
        spec.data.folder = folder.standardizedFileURL
        spec.data.metadata = metadata?.standardizedFileURL
        return spec
    }

    /// A `--data` folder or `--metadata` file that is not there.
    public struct OtherDataError: Error, CustomStringConvertible {
        public let description: String
    }
}
