import Randomness
extension RGBImage {
    /// Photon noise: a sample v becomes k / `photons` × 255 with k Poisson-distributed of mean
    /// λ = v / 255 × `photons` (ImageNet-C's shot noise). k is drawn by inversion, one uniform u
    /// per sample in memory order: the smallest k whose cumulative probability reaches u, from a
    /// table per sample value built by p₀ = e^(−λ), pₖ = pₖ₋₁·λ/k up to k = ⌊λ + 10√λ⌋ + 10
    /// (beyond which the mass is below 10⁻¹⁵; a u past the table takes its last k).
    func withShotNoise(photons: Double, generator: inout SeededRandom) -> RGBImage {
        guard photons > 0 else { return self }
        // Built on first use: an image holds far fewer than 256 values per channel.
        var tables = [PoissonTable?](repeating: nil, count: 256)
        var out = pixels
        for i in out.indices {
            let value = Int(pixels[i])
            let table: PoissonTable
            if let built = tables[value] {
                table = built
            } else {
                table = PoissonTable(mean: Double(value) / 255 * photons)
                tables[value] = table
            }
            let k = table.draw(generator.nextUnitInterval())
            out[i] = quantisedSample(Double(k) / photons * 255)
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

/// The cumulative distribution of a Poisson variable, for sampling by inversion.
struct PoissonTable {
    let cumulative: [Double]

    init(mean: Double) {
        let last = Int(mean + 10 * mean.squareRoot()) + 10
        var probability = PortableMath.exp(-mean)
        var sum = probability
        var cumulative = [sum]
        for k in stride(from: 1, through: last, by: 1) {
            probability = probability * mean / Double(k)
            sum += probability
            cumulative.append(sum)
        }
        self.cumulative = cumulative
    }

    /// The smallest k with cumulative[k] ≥ u (Python's bisect_left), or the last k.
    func draw(_ u: Double) -> Int {
        var low = 0, high = cumulative.count
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < u { low = middle + 1 } else { high = middle }
        }
        return min(low, cumulative.count - 1)
    }
}
