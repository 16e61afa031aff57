/// Stochastic gradient descent with momentum, in PyTorch's convention (as `bit_pytorch`):
/// v ← μ·v + g; w ← w − lr·v. Unlike Keras's v ← μ·v − lr·g, a step at learning rate 0
/// (the first warm-up step) still stores its gradient in v.
public struct SGD<T: TensorScalar>: Sendable {
    /// The momentum coefficient μ.
    public let momentum: T
    /// The velocity v per parameter; empty until the first step.
    public private(set) var velocity: ParameterSet<T>

    /// An optimiser with no history.
    public init(momentum: T = 0.9) {
        self.momentum = momentum
        self.velocity = ParameterSet()
    }

    /// An optimiser resuming from saved velocity.
    public init(momentum: T, velocity: ParameterSet<T>) {
        self.momentum = momentum
        self.velocity = velocity
    }

    /// Updates `parameters` in place from `gradients`.
    public mutating func step(_ parameters: ParameterSet<T>, gradients: ParameterSet<T>, learningRate lr: T) {
        if velocity.names.isEmpty { velocity = parameters.zerosLike() }
        let mu = momentum
        for name in parameters.names {
            let w = parameters.tensor(name).pointer, g = gradients.tensor(name).pointer, v = velocity.tensor(name).pointer
            for i in 0..<parameters.tensor(name).count {
                v[i] = mu * v[i] + g[i]
                w[i] -= lr * v[i]
            }
        }
    }
}
