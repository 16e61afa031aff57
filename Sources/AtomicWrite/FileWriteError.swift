#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file could not be written; names the file and the reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file being written (its final name, not the temporary one).
    public let file: String
    /// What failed, with the operating system's explanation.
    public let reason: String

    /// An error for `file` with `reason` as given.
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// "cannot <action>: <the system's reason>"; captures `errno` immediately, before anything else can overwrite it.
    static func system(_ action: String, file: String) -> FileWriteError {
        let code = errno
        return FileWriteError(file: file, reason: "cannot \(action): \(String(cString: strerror(code)))")
    }

    /// "file: reason".
    public var description: String { "\(file): \(reason)" }
}
