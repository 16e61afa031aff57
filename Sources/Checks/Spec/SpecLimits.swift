/// The largest value a spec may give for a setting where anything larger is a slip of the
/// keyboard, not a plan: it would exhaust any machine (threads, a decoded batch, an image side)
/// or keep a pre-train check busy for hours. Values up to these can still be too much for this
/// machine; training estimates its memory before it starts and says which setting to lower.
public enum SpecLimits {
    /// Worker threads: far beyond any machine's cores, each a stack and a BLAS buffer.
    public static let threads = 1024
    /// Images of one training step (BiT-HyperRule uses 512; large-batch recipes 4,096 and more).
    public static let batch = 65_536
    /// Training steps (BiT-L's longest schedule is 40,000; 10 million is years on a CPU).
    public static let steps = 10_000_000
    /// Side of a resized or cropped image, in pixels.
    public static let imageSide = 4096
    /// Images a check looks at or stores (a sample, a golden file).
    public static let checkImages = 4096
    /// SGD steps of a pre-train check.
    public static let checkSteps = 10_000
}
