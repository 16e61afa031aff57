/// Kernel size, stride and explicit zero padding of a 2-D convolution or pooling window.
public struct ConvGeometry: Sendable, Equatable {
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var stride: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int

    /// A square kernel with the same padding on every side (BiT's convolutions).
    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernelHeight: kernel, kernelWidth: kernel, stride: stride,
                  padTop: padding, padLeft: padding, padBottom: padding, padRight: padding)
    }

    /// Any kernel with explicit padding on each side.
    public init(kernelHeight: Int, kernelWidth: Int, stride: Int,
                padTop: Int, padLeft: Int, padBottom: Int, padRight: Int) {
        precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0)
        precondition(min(padTop, padLeft, padBottom, padRight) >= 0)
        (self.kernelHeight, self.kernelWidth, self.stride) = (kernelHeight, kernelWidth, stride)
        (self.padTop, self.padLeft, self.padBottom, self.padRight) = (padTop, padLeft, padBottom, padRight)
    }

    /// Output height for an input of height h (VALID convolution of the padded input).
    public func outputHeight(_ h: Int) -> Int { (h + padTop + padBottom - kernelHeight) / stride + 1 }
    /// Output width for an input of width w.
    public func outputWidth(_ w: Int) -> Int { (w + padLeft + padRight - kernelWidth) / stride + 1 }

    /// True when the convolution is a plain matrix product over channels.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padTop + padLeft + padBottom + padRight == 0
    }
}
