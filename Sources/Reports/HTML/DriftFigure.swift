/// One drift check's comparison of the judged data with the training split, for the report: each property's two
/// samples (worst first) and the lines on the embeddings and predicted classes.
public struct DriftFigure: Sendable {
    /// One image property as both sides measured it.
    public struct Property: Sendable {
        /// The property's name, as the spec writes it.
        public var name: String
        /// Its value on each training image.
        public var reference: [Double]
        /// Its value on each judged image.
        public var judged: [Double]
        /// What the check concluded, e.g. "KS D 0.412, corrected p 1.2e-30: drift".
        public var summary: String
        /// Whether it drifts.
        public var drifts: Bool

        /// A property's samples and verdict.
        public init(name: String, reference: [Double], judged: [Double], summary: String, drifts: Bool) {
            (self.name, self.reference, self.judged, self.summary, self.drifts) = (name, reference, judged, summary, drifts)
        }
    }

    /// The check's id, which the figure is shown under.
    public var checkID: String
    /// The properties, worst first.
    public var properties: [Property]
    /// One line each on the embeddings and the predicted classes, when compared.
    public var notes: [String]

    /// A figure for `checkID`.
    public init(checkID: String, properties: [Property], notes: [String]) {
        (self.checkID, self.properties, self.notes) = (checkID, properties, notes)
    }
}
