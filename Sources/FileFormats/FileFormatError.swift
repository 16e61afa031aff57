import AtomicWrite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZIP, .npz or .npy file could not be read or written; `description` names the file, member and byte offset.
public struct FileFormatError: Error, CustomStringConvertible, Sendable, Equatable {
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
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The file being read or written; empty for in-memory arrays.
    public var path: String
    /// The member involved (for .npz, the array key: member name without ".npy"), if any.
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
struct FileFormatErrorSite: Sendable {
    var path: String
    var key: String?
    var offset: Int?

    func error(_ kind: FileFormatError.Kind, _ message: String, offset: Int? = nil) -> FileFormatError {
        FileFormatError(kind, path: path, key: key, offset: offset ?? self.offset, message: message)
    }

    /// Captures `errno` immediately, before anything else can overwrite it.
    func ioError(_ operation: String) -> FileFormatError {
        let code = errno
        return error(.io, "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Runs a step of writing through `AtomicWrite`, reporting its failure as an I/O error of this file.
    @discardableResult
    func writing<R>(_ body: () throws(FileWriteError) -> R) throws(FileFormatError) -> R {
        do {
            return try body()
        } catch {
            throw self.error(.io, error.reason)
        }
    }
}
