import BiT

/// Label smoothing (Szegedy et al. 2016): each target moves ε of its mass to the uniform
/// distribution, (1 − ε)·target + ε/classes, so the loss stops rewarding ever larger logits for
/// a label that may be wrong.
public enum LabelSmoothing {
    /// Soft targets [N, classes] from hard labels or soft (MixUp) targets.
    public static func apply(_ targets: ResNetV2<Float>.Targets<Float>, epsilon: Double, classes: Int) -> Tensor<Float> {
        let hard: Tensor<Float>
        switch targets {
        case .soft(let t): hard = t
        case .labels(let labels):
            hard = Tensor(zeros: [labels.count, classes])
            for (i, label) in labels.enumerated() { hard[i * classes + label] = 1 }
        }
        let keep = Float(1 - epsilon), spread = Float(epsilon / Double(classes))
        return Tensor(shape: hard.shape) { keep * hard[$0] + spread }
    }
}
