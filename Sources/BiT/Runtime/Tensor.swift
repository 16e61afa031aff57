/// A dense, row-major (NHWC for images, HWIO for kernels) array that owns its memory.
///
/// A reference type: ops write into tensors they allocate, and the training tape keeps them
/// alive without copies. Storage is 64-byte aligned for the vector loops and BLAS.
public final class Tensor<T: TensorScalar>: @unchecked Sendable {
    /// Extent of each axis, outermost first.
    public let shape: [Int]
    /// Number of elements.
    public let count: Int
    /// The elements; valid for the tensor's lifetime.
    public let pointer: UnsafeMutablePointer<T>

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int]) {
        self.init(uninitialized: shape)
        pointer.initialize(repeating: 0, count: count)
    }

    /// A tensor whose elements the caller overwrites before reading (ops' outputs).
    init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<T>.stride, alignment: 64)
        pointer = raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A tensor holding `values` (row-major) with the given shape.
    public convenience init(shape: [Int], values: [T]) {
        self.init(zeros: shape)
        precondition(values.count == count, "shape \(shape) needs \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A tensor whose elements are `f(index)`.
    public convenience init(shape: [Int], generator f: (Int) -> T) {
        self.init(zeros: shape)
        for i in 0..<count { pointer[i] = f(i) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// The elements as an array.
    public var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// A deep copy.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.pointer.update(from: pointer, count: count)
        return t
    }

    /// A copy converted to another element type.
    public func converted<U: TensorScalar>(to _: U.Type = U.self) -> Tensor<U> {
        let t = Tensor<U>(zeros: shape)
        for i in 0..<count { t.pointer[i] = U(pointer[i]) }
        return t
    }

    /// Element at a flat row-major index.
    @inlinable public subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Adds `other` element-wise into this tensor.
    public func add(_ other: Tensor) {
        precondition(other.count == count, "add: \(shape) vs \(other.shape)")
        let a = pointer, b = other.pointer
        for i in 0..<count { a[i] += b[i] }
    }
}

extension Tensor {
    /// Rows `range` of the outermost axis, copied.
    public func slice(_ range: Range<Int>) -> Tensor {
        let inner = shape[0] == 0 ? 0 : count / shape[0]
        let t = Tensor(uninitialized: [range.count] + shape.dropFirst())
        t.pointer.update(from: pointer + range.lowerBound * inner, count: range.count * inner)
        return t
    }

    /// Tensors stacked along the outermost axis (their other axes must agree).
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { preconditionFailure("concatenate needs at least one tensor") }
        if parts.count == 1 { return first }
        let inner = Array(first.shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == inner }, "concatenate: shapes disagree")
        let t = Tensor(uninitialized: [parts.reduce(0) { $0 + $1.shape[0] }] + inner)
        var offset = 0
        for p in parts {
            (t.pointer + offset).update(from: p.pointer, count: p.count)
            offset += p.count
        }
        return t
    }
}

extension Tensor {
    /// How many elements are NaN or infinite.
    var nonFiniteCount: Int {
        var bad = 0
        for i in 0..<count where !pointer[i].isFinite { bad += 1 }
        return bad
    }
}
