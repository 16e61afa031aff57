"""SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) as Sources/Randomness/SeededRandom.swift defines it, for the
fixture scripts that replay its draws in Python: the generator, the unbiased bounded draw (Lemire's multiply-shift
with rejection) and the uniform deviate in (0, 1]. Imported by the scripts under Tests/*/Fixtures."""

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        # Lemire: the high word of x * bound, redrawn while the low word falls in the biased sliver.
        product = self.next() * bound
        if product & MASK < bound:
            threshold = (-bound % (1 << 64)) % bound
            while product & MASK < threshold:
                product = self.next() * bound
        return product >> 64

    def unit(self):
        """The top 53 bits, plus one, times 2^-53: in (0, 1], never 0."""
        return (float(self.next() >> 11) + 1.0) * 2.0**-53
