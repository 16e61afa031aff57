#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A checkpoint (.npz / .npy) could not be read or written; `description` names the file, member and byte offset.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The category of failure, for callers that branch on it rather than on the message.
    public enum Kind: String, Sendable, Equatable {
        /// An operating-system call (open, read, write, fsync, rename) failed.
        case io
        /// The file exists but has no bytes.
        case emptyFile
        /// The file is not a ZIP archive at all.
        case notZip
        /// The archive ends before a structure or member it declares.
        case truncated
        /// ZIP structures are inconsistent (bad signatures, offsets, sizes).
        case corruptArchive
        /// Valid input that this reader deliberately does not handle (method, dtype, encryption...).
        case unsupported
        /// A member's CRC-32 does not match its stored checksum.
        case crcMismatch
        /// A deflate stream is malformed or ends early.
        case corruptDeflate
        /// An .npy member is malformed (magic, header, shape/data size).
        case badNpy
        /// Two members map to the same key.
        case duplicateKey
        /// An accessor was called on an array of the wrong dtype.
        case dtypeMismatch
        /// A model loader needed a key the checkpoint lacks.
        case missingKey
        /// A checkpoint holds a key the model does not know.
        case unexpectedKey
        /// An array's shape is not what the model expects.
        case shapeMismatch
        /// Non-array metadata stored in the checkpoint is unreadable or inconsistent.
        case badMetadata
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The file being read or written; empty for in-memory arrays.
    public var path: String
    /// The array key (member name without ".npy") involved, if any.
    public var key: String?
    /// The byte offset in the file where the problem was found, if meaningful.
    public var offset: Int?
    /// Human-readable detail, without the path/key/offset prefix.
    public var message: String

    /// Creates an error; `description` is assembled from the parts.
    public init(_ kind: Kind, path: String, key: String? = nil, offset: Int? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.key = key
        self.offset = offset
        self.message = message
    }

    /// "path: member 'key' at byte offset N: message", leaving out the parts that are absent.
    public var description: String {
        var location: [String] = []
        if let key { location.append("member '\(key)'") }
        if let offset { location.append("at byte offset \(offset)") }
        var parts: [String] = []
        if !path.isEmpty { parts.append(path) }
        if !location.isEmpty { parts.append(location.joined(separator: " ")) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Where an error happened; threaded through the readers so that low layers can build complete errors.
struct CheckpointErrorSite: Sendable {
    var path: String
    var key: String?
    var offset: Int?

    func error(_ kind: CheckpointError.Kind, _ message: String, offset: Int? = nil) -> CheckpointError {
        CheckpointError(kind, path: path, key: key, offset: offset ?? self.offset, message: message)
    }

    /// Captures `errno` immediately, before anything else can overwrite it.
    func ioError(_ operation: String) -> CheckpointError {
        let code = errno
        return error(.io, "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
