extension RGBImage {
    /// The image cut into a grid of cells, `cellsAcross` along the shorter side and proportionally
    /// many (rounded) along the longer, each cell filled with its mean colour (integer mean, half up).
    /// Pixel x falls in cell ⌊x·cells / width⌋, so cells differ in size by at most one pixel.
    /// A side with no more pixels than cells stays as it is.
    func pixelated(cellsAcross: Int) -> RGBImage {
        let shorter = min(width, height)
        guard shorter > 0, cellsAcross > 0 else { return self }
        let cellsX = max(1, min(width, (width * cellsAcross + shorter / 2) / shorter))
        let cellsY = max(1, min(height, (height * cellsAcross + shorter / 2) / shorter))
        if cellsX == width && cellsY == height { return self }
        let cellOfX = (0..<width).map { $0 * cellsX / width }
        let cellOfY = (0..<height).map { $0 * cellsY / height }
        var sums = [Int](repeating: 0, count: cellsX * cellsY * 3)
        var counts = [Int](repeating: 0, count: cellsX * cellsY)
        for y in 0..<height {
            for x in 0..<width {
                let cell = cellOfY[y] * cellsX + cellOfX[x], from = (y * width + x) * 3
                counts[cell] += 1
                sums[cell * 3] += Int(pixels[from])
                sums[cell * 3 + 1] += Int(pixels[from + 1])
                sums[cell * 3 + 2] += Int(pixels[from + 2])
            }
        }
        let means = sums.indices.map { UInt8((sums[$0] + counts[$0 / 3] / 2) / counts[$0 / 3]) }
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let cell = (cellOfY[y] * cellsX + cellOfX[x]) * 3, to = (y * width + x) * 3
                out[to] = means[cell]
                out[to + 1] = means[cell + 1]
                out[to + 2] = means[cell + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
