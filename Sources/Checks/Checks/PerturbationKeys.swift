import Yams

/// The keys `robustness` and `colour_shift` share: their gates, the metric whose drop is measured,
/// and what a level's images are drawn with. Written once here, listed by both definitions.
enum PerturbationKeys {
    static let maxFlipRate = CheckKey.number("max_flip_rate", .optional, "in (0, 1]",
                                             doc: "largest share of test images whose decided class may change at a gated level") { $0 > 0 && $0 <= 1 }
    static let maxDrop = CheckKey.number("max_drop", .optional, "in (0, 1]",
                                         doc: "largest drop of `metric` from the clean test images at a gated level") { $0 > 0 && $0 <= 1 }
    static let maxMeanFlipRate = CheckKey.number("max_mean_flip_rate", .optional, "in (0, 1]",
                                                 doc: "overall gate: the share of changed decisions averaged over every gated level (as `id.mean`)") { $0 > 0 && $0 <= 1 }
    static let maxMeanDrop = CheckKey.number("max_mean_drop", .optional, "in (0, 1]",
                                             doc: "overall gate: the drop of `metric` averaged over every gated level (as `id.mean`)") { $0 > 0 && $0 <= 1 }
    static let bound = CheckKey.choice("bound", .defaultValue(.text(Spec.Bound.point.rawValue)),
                                       among: [Spec.Bound.point.rawValue, Spec.Bound.upper.rawValue],
                                       doc: "gate the point estimates or their upper confidence bounds")
    static let metric = CheckKey.metric("metric", .defaultValue(.text(Spec.Metric.accuracy.rawValue)), doc: "the metric whose drop is measured")
    static let confidence = CheckKey.number("confidence", .defaultValue(.number(0.95)), "in (0, 1)",
                                            doc: "level of the intervals") { $0 > 0 && $0 < 1 }
    static let seed = CheckKey.integer("seed", .defaultValue(.integer(0)), atLeast: 0,
                                       doc: "seed of the noise; an image's noise also depends on its own pixels")
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer test images give INCONCLUSIVE")
    static let worst = CheckKey.integer("worst", .defaultValue(.integer(8)), atLeast: 0, atMost: 100,
                                        doc: "images listed (and pictured) per level whose class changed")

    /// The shared keys, in the order the docs list them after each check's own.
    static let all = [maxFlipRate, maxDrop, maxMeanFlipRate, maxMeanDrop, bound, metric, confidence, seed, minSamples, worst]

    /// A one-against-the-rest metric needs the data's positive class.
    static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        CheckKey.metricHasItsPositiveClass(entry, metric, &reader)
    }

    /// The gates an entry sets.
    static func gates(_ entry: Spec.Check) -> PerturbationCheck.Gates {
        func number(_ key: CheckKey) -> Double? { if case .number(let x)? = entry.value(key) { x } else { nil } }
        return .init(maxFlipRate: number(maxFlipRate), maxDrop: number(maxDrop), upperBound: entry.text(bound) == Spec.Bound.upper.rawValue)
    }

    /// A check of one family with the entry's shared settings.
    static func check(_ entry: Spec.Check, kind: String, family: PerturbationTable.Kind, name: String,
                      levels: [PerturbationCheck.Level]) -> PerturbationCheck {
        PerturbationCheck(id: "\(entry.id).\(name)", severity: entry.severity, kind: kind, family: family, name: name, levels: levels,
                          gates: gates(entry), metric: Spec.Metric(rawValue: entry.text(metric)) ?? .accuracy,
                          confidence: entry.number(confidence), seed: UInt64(entry.integer(seed)), minSamples: entry.integer(minSamples),
                          worst: entry.integer(worst), onEmpty: entry.onEmpty.verdict)
    }

    /// The entry's families, and its overall gate (`id.mean`) when it sets one.
    static func checks(_ entry: Spec.Check, kind: String, families: [PerturbationCheck]) -> [any Check] {
        func number(_ key: CheckKey) -> Double? { if case .number(let x)? = entry.value(key) { x } else { nil } }
        let (flip, drop) = (number(maxMeanFlipRate), number(maxMeanDrop))
        guard flip != nil || drop != nil, !families.isEmpty else { return families }
        return families + [PerturbationSummaryCheck(id: "\(entry.id).mean", severity: entry.severity, kind: kind, families: families,
                                                    maxMeanFlipRate: flip, maxMeanDrop: drop)]
    }

    /// A list of distinct names from `names` (did-you-mean for a near miss); `report_only` and the
    /// families both read through this.
    static func names(_ node: Node, _ key: String, among names: [String], _ reader: inout SpecReader, allowEmpty: Bool = false) -> CheckValue? {
        guard let items = reader.list(node, key, of: "names") else { return nil }
        if items.isEmpty && !allowEmpty {
            reader.report(node, "\(key): list at least one of \(names.joined(separator: ", "))")
            return nil
        }
        var seen: [String] = [], ok = true
        for item in items {
            guard let name = reader.choice(item, key, among: names) else { ok = false; continue }
            if seen.contains(name) {
                reader.report(item, "\(key): '\(name)' is listed twice")
                ok = false
            }
            seen.append(name)
        }
        return ok ? .list(seen.map(CheckValue.text)) : nil
    }

    /// The text items of a list value.
    static func texts(_ value: CheckValue?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .text(let s) = $0 { s } else { nil } }
    }
}
