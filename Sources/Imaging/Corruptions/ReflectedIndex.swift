/// Edge handling of the blurs: the image mirrored about its edges, edge pixel repeated
/// (… c b a | a b c … , SciPy's mode "reflect"), as often as a kernel wider than the image needs.
func reflectedIndex(_ index: Int, count: Int) -> Int {
    let period = 2 * count
    let folded = ((index % period) + period) % period
    return folded < count ? folded : period - 1 - folded
}
