/// A member of the BiT ResNet-v2 family: units per stage and a channel width factor.
///
/// Names follow the paper: R{depth}x{width}, depth = 3·(total units) + 2. Besides the released
/// R50x1 … R152x4 there are smaller members (R14, R26, R38; widths 1/2, 1/4, 1/8) that train
/// in minutes on a laptop-class CPU, for tests and the embedded default.
public struct ResNetV2Architecture: Sendable, Equatable, CustomStringConvertible {
    /// Bottleneck units in block1 … block4.
    public let unitsPerBlock: [Int]
    /// Channel multiplier: stem 64·w, stage b bottleneck 64·w·2^b, output 4× that.
    public let widthFactor: Double
    /// GroupNorm groups in every layer: 32, or 32·w below width 1, which keeps R50x1's two
    /// channels per group in the stem.
    public let groups: Int

    static let depths: [Int: [Int]] = [
        14: [1, 1, 1, 1], 26: [2, 2, 2, 2], 38: [3, 3, 3, 3],
        50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3],
    ]

    /// An architecture from explicit units and width.
    public init(unitsPerBlock: [Int], widthFactor: Double) throws {
        guard unitsPerBlock.count == 4, unitsPerBlock.allSatisfy({ $0 >= 1 }) else {
            throw ArchitectureError("a BiT ResNet-v2 has 4 blocks of at least one unit, got \(unitsPerBlock)")
        }
        let stem = 64 * widthFactor
        guard widthFactor > 0, stem == stem.rounded(), stem >= 8 else {
            throw ArchitectureError("width factor \(widthFactor) must give a whole stem width of at least 8 channels (64·w)")
        }
        let groups = widthFactor >= 1 ? 32 : Int((32 * widthFactor).rounded())
        guard groups >= 1, Int(stem) % groups == 0, (32 * widthFactor).rounded() == 32 * widthFactor || widthFactor >= 1 else {
            throw ArchitectureError("width factor \(widthFactor) does not split into whole GroupNorm groups; use 1/8, 1/4, 1/2, 1, 2, 3, 4, ...")
        }
        self.unitsPerBlock = unitsPerBlock
        self.widthFactor = widthFactor
        self.groups = groups
        units = makeUnits()
    }

    /// Parses "R50x1", "BiT-M-R50x1", "R26x0.5" or "R14x1/8".
    public init(named name: String) throws {
        var s = Substring(name)
        for prefix in ["BiT-M-", "BiT-S-", "BiT-L-"] where s.hasPrefix(prefix) { s = s.dropFirst(prefix.count) }
        guard s.first == "R", let x = s.firstIndex(of: "x"),
              let depth = Int(s[s.index(after: s.startIndex)..<x]) else {
            throw ArchitectureError("'\(name)' is not an architecture name like R50x1 or R26x0.5")
        }
        guard let units = Self.depths[depth] else {
            throw ArchitectureError("depth \(depth) in '\(name)' is not one of \(Self.depths.keys.sorted().map(String.init).joined(separator: ", "))")
        }
        let widthText = s[s.index(after: x)...]
        var width: Double?
        if let slash = widthText.firstIndex(of: "/"),
           let a = Double(widthText[..<slash]), let b = Double(widthText[widthText.index(after: slash)...]), b > 0 {
            width = a / b
        } else {
            width = Double(widthText)
        }
        guard let width else { throw ArchitectureError("width in '\(name)' is not a number") }
        try self.init(unitsPerBlock: units, widthFactor: width)
    }

    /// Stem convolution output channels.
    public var stemChannels: Int { Int(64 * widthFactor) }
    /// Bottleneck width of block b (1-based).
    public func midChannels(block b: Int) -> Int { stemChannels << (b - 1) }
    /// Output channels of block b (1-based).
    public func outChannels(block b: Int) -> Int { 4 * midChannels(block: b) }
    /// Dimension of the pre-logit features.
    public var featureDimension: Int { outChannels(block: 4) }
    /// Network depth counted the ResNet way.
    public var depth: Int { 3 * unitsPerBlock.reduce(0, +) + 2 }

    /// "R50x1", "R26x0.5", "R14x0.125".
    public var description: String {
        let w = widthFactor == widthFactor.rounded() ? String(Int(widthFactor)) : String(widthFactor)
        return "R\(depth)x\(w)"
    }

    /// One bottleneck unit's place and shape.
    public struct Unit: Sendable, Equatable {
        public let inChannels: Int
        public let midChannels: Int
        public let outChannels: Int
        public let stride: Int
        /// Its parameters' checkpoint keys, under a prefix like "resnet/block2/unit01".
        public let keys: UnitKeys
        /// True for the first unit of each block, whose shortcut is a strided 1×1 projection.
        public var hasProjection: Bool { stride != 1 || inChannels != outChannels }
    }

    /// A unit's checkpoint keys, spelled once: the pre-activation GroupNorm before each of its
    /// convolutions a (1×1), b (3×3), c (1×1), and the shortcut's projection.
    public struct UnitKeys: Sendable, Equatable {
        public let normA: NormKeys, normB: NormKeys, normC: NormKeys
        public let convA: String, convB: String, convC: String, projection: String

        init(prefix p: String) {
            (normA, normB, normC) = (NormKeys("\(p)/a/group_norm"), NormKeys("\(p)/b/group_norm"), NormKeys("\(p)/c/group_norm"))
            (convA, convB, convC) = ("\(p)/a/standardized_conv2d/kernel", "\(p)/b/standardized_conv2d/kernel", "\(p)/c/standardized_conv2d/kernel")
            projection = "\(p)/a/proj/standardized_conv2d/kernel"
        }
    }

    /// A GroupNorm layer's checkpoint keys.
    public struct NormKeys: Sendable, Equatable {
        public let gamma: String, beta: String

        init(_ prefix: String) { (gamma, beta) = ("\(prefix)/gamma", "\(prefix)/beta") }
    }

    /// Every unit in order, built with the architecture: a forward pass walks them and looks
    /// their keys up, so the strings are not made again for every image.
    public private(set) var units: [Unit] = []

    private func makeUnits() -> [Unit] {
        var result: [Unit] = []
        var cin = stemChannels
        for b in 1...4 {
            for u in 1...unitsPerBlock[b - 1] {
                let prefix = "resnet/block\(b)/unit\(u < 10 ? "0" : "")\(u)"
                let unit = Unit(inChannels: cin, midChannels: midChannels(block: b), outChannels: outChannels(block: b),
                                stride: b > 1 && u == 1 ? 2 : 1, keys: UnitKeys(prefix: prefix))
                result.append(unit)
                cin = unit.outChannels
            }
        }
        return result
    }

    /// Height and width of the maps through the backbone for an input of `height` × `width`.
    public struct MapSizes: Sendable {
        /// After the stem's 7×7 stride-2 convolution (before its max-pool).
        public let stem: (height: Int, width: Int)
        /// Each unit's input, and its output (the unit's stride is on its 3×3 convolution and projection).
        public let units: [(input: (height: Int, width: Int), output: (height: Int, width: Int))]
    }

    /// The one walk of the map sizes that costs, memory and kernel choices are computed from.
    public func mapSizes(height: Int, width: Int) -> MapSizes {
        let stem = ((height + 6 - 7) / 2 + 1, (width + 6 - 7) / 2 + 1)
        var side = (StemMaxPool.outputSize(stem.0), StemMaxPool.outputSize(stem.1))
        var sizes: [(input: (height: Int, width: Int), output: (height: Int, width: Int))] = []
        for unit in units {
            let output = ((side.0 - 1) / unit.stride + 1, (side.1 - 1) / unit.stride + 1)
            sizes.append((input: side, output: output))
            side = output
        }
        return MapSizes(stem: stem, units: sizes)
    }

    /// Spatial side after the whole backbone for a square input of the given side.
    public func finalMapSize(input: Int) -> Int {
        mapSizes(height: input, width: input).units.last!.output.height
    }

    /// Multiply-accumulates of one forward pass of a square image (convolutions and head).
    public func forwardMACs(input: Int, classes: Int) -> Int {
        let sizes = mapSizes(height: input, width: input)
        var macs = sizes.stem.height * sizes.stem.width * 49 * 3 * stemChannels
        for (unit, size) in zip(units, sizes.units) {
            let inArea = size.input.height * size.input.width, outArea = size.output.height * size.output.width
            macs += inArea * unit.inChannels * unit.midChannels
            macs += outArea * 9 * unit.midChannels * unit.midChannels
            macs += outArea * unit.midChannels * unit.outChannels
            if unit.hasProjection { macs += outArea * unit.inChannels * unit.outChannels }
        }
        return macs + featureDimension * classes
    }
}

extension ResNetV2Architecture {
    /// Floats a training forward pass records per image of a square input for the backward
    /// pass (the input, the stem's output, six tensors per unit, the tail's and the features):
    /// what a micro-batch's memory grows with.
    public func tapeFloatsPerImage(input: Int) -> Int {
        let sizes = mapSizes(height: input, width: input)
        var floats = input * input * 3 + sizes.stem.height * sizes.stem.width * stemChannels
        for (unit, size) in zip(units, sizes.units) {
            // x and p at the input side; h1 and p2 too (the 1×1 convolution a keeps it);
            // h2 and p3 after the strided 3×3.
            floats += size.input.height * size.input.width * (2 * unit.inChannels + 2 * unit.midChannels)
                + size.output.height * size.output.width * 2 * unit.midChannels
        }
        let last = sizes.units.last!.output
        return floats + 2 * last.height * last.width * featureDimension + featureDimension
    }
}

/// An architecture that cannot be built.
public struct ArchitectureError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ message: String) { description = message }
}
