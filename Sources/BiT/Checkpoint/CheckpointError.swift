/// A readable .npz is not a usable checkpoint of this engine; `description` names the file and the key.
/// Damage to the file itself (not a ZIP, truncated, bad CRC or npy header) is a `FileFormatError` instead.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The category of failure, for callers that branch on it rather than on the message.
    public enum Kind: String, Sendable, Equatable {
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
    /// The checkpoint file.
    public var path: String
    /// The array key involved, if any.
    public var key: String?
    /// Human-readable detail, without the path/key prefix.
    public var message: String

    /// Creates an error; `description` is assembled from the parts.
    public init(_ kind: Kind, path: String, key: String? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.key = key
        self.message = message
    }

    /// "path: member 'key': message", leaving out the parts that are absent.
    public var description: String {
        var parts: [String] = []
        if !path.isEmpty { parts.append(path) }
        if let key { parts.append("member '\(key)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
