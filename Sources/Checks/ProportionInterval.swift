/// The interval of a share of test images (those that kept their class, or changed it): Wilson,
/// widened to a seeded bootstrap over whole groups when the data has them, since a patient's cells
/// tend to change together; never narrower than Wilson, which still bounds a share of 0 or 1.
enum ProportionInterval {
    /// The interval of the share of true values in `flags`; `groups` gives each image's group, if any.
    static func of(_ flags: [Bool], groups: [String]?, confidence: Double) throws -> (lower: Double, upper: Double) {
        let hits = flags.count { $0 }
        guard let wilson = try WilsonInterval(successes: hits, trials: flags.count, confidence: confidence) else {
            throw StatisticsError("no interval for \(hits) of \(flags.count)")
        }
        guard let groups, let byGroup = try Bootstrap.clusterPercentileInterval(
            groupOf: groups, replicates: 1000, confidence: confidence, seed: 0,
            statistic: { drawn in Double(drawn.count { flags[$0] }) / Double(drawn.count) })
        else { return (wilson.lower, wilson.upper) }
        return (max(0, min(wilson.lower, byGroup.lower)), min(1, max(wilson.upper, byGroup.upper)))
    }
}
