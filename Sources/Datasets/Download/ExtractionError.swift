/// An archive could not be unpacked; `description` names the archive, the member and the reason.
public struct ExtractionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The category of failure, for callers that branch on it rather than on the message.
    public enum Kind: String, Sendable, Equatable {
        /// A member name is absolute, has a ".." component, a backslash or a NUL: it could land outside the folder.
        case unsafeName
        /// A member is a symbolic link, which could point anywhere.
        case symbolicLink
        /// Two members would be written to the same path, or a file would stand where a folder must.
        case duplicateName
        /// A member declares more bytes than `ExtractionLimits.maxMemberSize`.
        case memberTooLarge
        /// All members together declare more than `ExtractionLimits.maxTotalSize`.
        case archiveTooLarge
        /// The archive has more members than `ExtractionLimits.maxMemberCount`.
        case tooManyMembers
        /// A member expands beyond `ExtractionLimits.maxCompressionRatio`: a decompression bomb.
        case compressionRatio
        /// A member's data does not match its CRC-32.
        case crcMismatch
        /// The ZIP structure or a deflate stream is damaged or truncated, or the file is not a ZIP.
        case corruptArchive
        /// Valid ZIP that the reader does not handle (encryption, a compression method other than stored/deflate).
        case unsupported
        /// The destination's file system has less free space than the members need.
        case notEnoughSpace
        /// A top-level file or folder of the archive already exists in the destination and replacing was not asked for.
        case destinationExists
        /// Reading the archive or creating, writing or renaming a file failed.
        case disk
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The archive's path.
    public var archive: String
    /// The member's name as stored in the archive, if one is involved.
    public var member: String?
    /// Human-readable detail, without the archive and member prefix.
    public var message: String

    /// Creates an error; `description` is assembled from the parts.
    public init(_ kind: Kind, archive: String, member: String? = nil, message: String) {
        self.kind = kind
        self.archive = archive
        self.member = member
        self.message = message
    }

    /// "archive: member 'name': message", leaving out the member when there is none.
    public var description: String {
        var parts = [archive]
        if let member { parts.append("member '\(member)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
