extension RGBImage {
    /// A defocused lens: the mean over a disk of `radius` pixels, edges reflected. Each pixel of the
    /// kernel weighs the number of points of an 8×8 grid inside it that lie within the disk (an
    /// antialiased disk, so the blur grows smoothly with the radius, also below one pixel). The
    /// weights are integers and the grid points sums of sixteenths, so the whole blur is exact
    /// integer arithmetic: the same bits everywhere, rounded half up.
    ///
    /// Inside the disk whole runs of a row have the full weight 64; those come from running sums
    /// along the row, so the cost per pixel grows with the radius, not with its square.
    func defocusBlurred(radius: Double) -> RGBImage {
        guard radius > 0, !pixels.isEmpty else { return self }
        let kernel = DefocusKernel(radius: radius)
        guard kernel.taps.count + kernel.runs.count > 1 else { return self }
        let reach = kernel.reach
        let paddedWidth = width + 2 * reach
        let columns = (-reach..<(width + reach)).map { reflectedIndex($0, count: width) }
        let rows = (-reach..<(height + reach)).map { reflectedIndex($0, count: height) }
        // Per padded row, per channel: the padded samples and their running sums (one longer).
        let sumsWidth = paddedWidth + 1
        var padded = [Int](repeating: 0, count: paddedWidth * rows.count * 3)
        var runningSums = [Int](repeating: 0, count: sumsWidth * rows.count * 3)
        for (py, y) in rows.enumerated() {
            var sum = (0, 0, 0)
            for (px, x) in columns.enumerated() {
                let from = (y * width + x) * 3, to = (py * paddedWidth + px) * 3
                let sample = (Int(pixels[from]), Int(pixels[from + 1]), Int(pixels[from + 2]))
                padded[to] = sample.0
                padded[to + 1] = sample.1
                padded[to + 2] = sample.2
                sum = (sum.0 + sample.0, sum.1 + sample.1, sum.2 + sample.2)
                let at = (py * sumsWidth + px + 1) * 3
                runningSums[at] = sum.0
                runningSums[at + 1] = sum.1
                runningSums[at + 2] = sum.2
            }
        }
        // Row by row: each tap and each run adds to the whole output row, a contiguous sweep.
        let rowLength = width * 3
        let total = kernel.totalWeight
        var out = [UInt8](repeating: 0, count: pixels.count)
        var accumulator = [Int](repeating: 0, count: rowLength)
        padded.withUnsafeBufferPointer { source in
            runningSums.withUnsafeBufferPointer { sums in
                out.withUnsafeMutableBufferPointer { target in
                    accumulator.withUnsafeMutableBufferPointer { row in
                        for y in 0..<height {
                            for i in 0..<rowLength { row[i] = 0 }
                            for tap in kernel.taps {
                                let start = ((y + reach + tap.dy) * paddedWidth + reach + tap.dx) * 3, weight = tap.weight
                                for i in 0..<rowLength { row[i] += weight * source[start + i] }
                            }
                            // A run dx in from...to adds 64·(S[x + to + 1] − S[x + from]).
                            for run in kernel.runs {
                                let line = (y + reach + run.dy) * sumsWidth + reach
                                let end = (line + run.to + 1) * 3, start = (line + run.from) * 3
                                for i in 0..<rowLength { row[i] += DefocusKernel.fullWeight * (sums[end + i] - sums[start + i]) }
                            }
                            for i in 0..<rowLength { target[y * rowLength + i] = UInt8((row[i] + total / 2) / total) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

/// The antialiased disk of `defocusBlurred`: integer weights 1...64 for the pixels it touches,
/// split into runs of whole pixels (weight 64) and the partly covered pixels around them.
struct DefocusKernel {
    /// The weight of a pixel wholly inside the disk: all 8×8 grid points.
    static let fullWeight = 64
    /// Partly covered pixels: offset and weight.
    let taps: [(dx: Int, dy: Int, weight: Int)]
    /// Per row, the whole pixels dx in from...to (at most one run per row: a disk row is convex).
    let runs: [(dy: Int, from: Int, to: Int)]
    /// The largest |dx| or |dy| of any pixel with a weight.
    let reach: Int
    let totalWeight: Int

    init(radius: Double) {
        // Grid points at ±1/16, ±3/16, … ±7/16 of a pixel from its centre: exact binary fractions.
        let grid = (0..<8).map { (Double($0) + 0.5) / 8 - 0.5 }
        let limit = radius * radius
        let extent = Int((radius + 0.5).rounded(.up))
        var taps: [(dx: Int, dy: Int, weight: Int)] = []
        var runs: [(dy: Int, from: Int, to: Int)] = []
        var reach = 0, totalWeight = 0
        for dy in -extent...extent {
            var run: (from: Int, to: Int)?
            for dx in -extent...extent {
                var weight = 0
                for u in grid {
                    for v in grid {
                        let a = Double(dx) + u, b = Double(dy) + v
                        if a * a + b * b <= limit { weight += 1 }
                    }
                }
                guard weight > 0 else { continue }
                reach = max(reach, abs(dx), abs(dy))
                totalWeight += weight
                if weight == Self.fullWeight {
                    run = (run?.from ?? dx, dx)
                } else {
                    taps.append((dx, dy, weight))
                }
            }
            if let run { runs.append((dy, run.from, run.to)) }
        }
        self.taps = taps
        self.runs = runs
        self.reach = reach
        self.totalWeight = totalWeight
    }
}
