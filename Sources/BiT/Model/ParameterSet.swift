/// Named tensors in a fixed order: a model's weights, or their gradients, or optimiser state.
///
/// Names are the official checkpoint keys ("resnet/block1/unit01/a/standardized_conv2d/kernel"),
/// so saving and loading is a direct mapping.
public struct ParameterSet<T: TensorScalar>: Sendable {
    /// Names in insertion order (the order checkpoints are written in).
    public private(set) var names: [String] = []
    private var storage: [String: Tensor<T>] = [:]

    /// An empty set.
    public init() {}

    /// The tensor stored under `name`.
    public subscript(name: String) -> Tensor<T>? { storage[name] }

    /// The tensor stored under `name`; traps if it is missing (names come from the architecture).
    public func tensor(_ name: String) -> Tensor<T> {
        guard let t = storage[name] else { preconditionFailure("no parameter named \(name)") }
        return t
    }

    /// Stores `tensor` under `name`, keeping the first position of a replaced name.
    public mutating func set(_ tensor: Tensor<T>, for name: String) {
        if storage.updateValue(tensor, forKey: name) == nil { names.append(name) }
    }

    /// Total number of scalars.
    public var scalarCount: Int { storage.values.reduce(0) { $0 + $1.count } }

    /// A set of zero tensors with the same names and shapes.
    public func zerosLike() -> ParameterSet {
        var z = ParameterSet()
        for name in names { z.set(Tensor(zeros: tensor(name).shape), for: name) }
        return z
    }

    /// A deep copy.
    public func copy() -> ParameterSet {
        var c = ParameterSet()
        for name in names { c.set(tensor(name).copy(), for: name) }
        return c
    }

    /// Adds every tensor of `other` (same names and shapes) into this set's tensors, the
    /// tensors spread over `threads` workers.
    public func accumulate(_ other: ParameterSet, threads: Int = 1) {
        let names = self.names
        Parallel.forEach(names.count, workers: threads) { i in tensor(names[i]).add(other.tensor(names[i])) }
    }
}
