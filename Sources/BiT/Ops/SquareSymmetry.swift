/// The eight symmetries of the square (rotations by multiples of 90° and the four mirrors) on NHWC
/// batches: what test-time augmentation averages over. Each is a pure permutation of pixels.
public struct SquareSymmetry: Sendable, Equatable, CaseIterable {
    /// Mirror about the main diagonal first (height ↔ width), then left–right, then top–bottom.
    public let transposes: Bool, flipsHorizontally: Bool, flipsVertically: Bool

    /// All eight, the identity first: the order test-time augmentation sums in.
    public static let allCases: [SquareSymmetry] = (0..<8).map {
        SquareSymmetry(transposes: $0 & 4 != 0, flipsHorizontally: $0 & 1 != 0, flipsVertically: $0 & 2 != 0)
    }

    /// The batch [N, H, W, C] with every image transformed; [N, W, H, C] when the symmetry transposes.
    public func apply<T: TensorScalar>(_ images: Tensor<T>) -> Tensor<T> {
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let (oh, ow) = transposes ? (w, h) : (h, w)
        let out = Tensor<T>(zeros: [n, oh, ow, c])
        let src = images.pointer, dst = out.pointer
        for image in 0..<n {
            let base = image * h * w * c
            for y in 0..<oh {
                for x in 0..<ow {
                    // Output (x, y) reads the transposed source position after undoing the flips.
                    let fx = flipsHorizontally ? ow - 1 - x : x, fy = flipsVertically ? oh - 1 - y : y
                    let (sx, sy) = transposes ? (fy, fx) : (fx, fy)
                    (dst + base + (y * ow + x) * c).update(from: src + base + (sy * w + sx) * c, count: c)
                }
            }
        }
        return out
    }
}
