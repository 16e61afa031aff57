/// A model's outputs on a split hold NaN or infinity, so no metric, interval or agreement can be
/// computed from them: the checks that need them fail with this reason instead of trapping.
public struct NonFiniteOutputs: Error, CustomStringConvertible, Sendable {
    /// Which model: "model" (the one under test) or another a check loaded (a baseline).
    public let model: String
    /// What was predicted, e.g. "test split" or "test split, rotate90".
    public let on: String
    /// Images whose logits are not all finite, of `total`.
    public let count: Int
    public let total: Int
    /// The first such image.
    public let firstImage: String
    /// Where the first non-finite value arises for that image, when the model can say.
    public let origin: String?

    public var description: String {
        "the \(model == "model" ? "model" : "\(model) model")'s outputs are not finite (NaN or infinity) on \(count) of \(total) images "
            + "of the \(on), first \(firstImage)"
            + (origin.map { " (first non-finite: \($0))" } ?? "") + "; nothing can be measured from them"
    }
}
