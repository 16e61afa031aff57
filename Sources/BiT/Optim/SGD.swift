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

    /// Updates `parameters` in place from `gradients`, the tensors spread over `threads` workers.
    // Specialised for the trainer in another module, as ResNetV2's entry points are.
    @_specialize(where T == Float)
    public mutating func step(_ parameters: ParameterSet<T>, gradients: ParameterSet<T>, learningRate lr: T, threads: Int = 1) {
        if velocity.names.isEmpty { velocity = parameters.zerosLike() }
        let mu = momentum, names = parameters.names, velocity = self.velocity
        Parallel.forEach(names.count, workers: threads) { i in
            let w = parameters.tensor(names[i]), g = gradients.tensor(names[i]).pointer, v = velocity.tensor(names[i]).pointer
            for j in 0..<w.count {
                v[j] = mu * v[j] + g[j]
                w.pointer[j] -= lr * v[j]
            }
        }
    }
}
