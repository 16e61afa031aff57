import Datasets

/// A check needs images of a split that holds none: it cannot decide, which is not a crash and
/// not a pass.
public struct EmptySplit: Error, CustomStringConvertible, Sendable {
    public let part: DatasetSplit.Part

    public var description: String { "the \(part.rawValue) split holds no images, so there is nothing to check" }
}
