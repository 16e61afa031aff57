import Imaging

/// `robustness`: the test split under seeded corruptions (noise, blur, JPEG, pixelation, tone) at
/// severities 1–5 that scale with the image's size (docs/robustness.md); one check per corruption.
public enum RobustnessCheck: CheckDefinition {
    public static let name = "robustness"
    public static let phase = CheckPhase.postTrain
    public static let doc = "per corruption (`" + Corruption.allCases.map(\.rawValue).joined(separator: "`, `")
        + "`) and severity 1–5, the share of test images whose decided class changes and the drop of `metric`, with intervals "
        + "over patients (groups); gated on the worst gated level (`max_flip_rate`, `max_drop`); `report_only` corruptions are measured, not gated"
    static let corruptions = CheckKey("corruptions", type: "list of corruptions", .defaultValue(.list(Corruption.allCases.map { .text($0.rawValue) })),
                                      doc: "each checked on its own, as robustness.<corruption>") { node, reader in
        PerturbationKeys.names(node, "corruptions", among: Corruption.allCases.map(\.rawValue), &reader)
    }
    static let severities = CheckKey("severities", type: "list of 1–5", .defaultValue(.list(CorruptionSeverity.all.map { .integer($0.level) })),
                                     doc: "the severities measured") { node, reader in
        guard let items = reader.list(node, "severities", of: "severities") else { return nil }
        guard !items.isEmpty else {
            reader.report(node, "severities: list at least one of 1, 2, 3, 4, 5")
            return nil
        }
        var levels: [Int] = [], ok = true
        for item in items {
            guard let level = reader.integer(item, "severities", atLeast: 1, atMost: 5) else { ok = false; continue }
            if levels.contains(level) {
                reader.report(item, "severities: \(level) is listed twice")
                ok = false
            }
            levels.append(level)
        }
        return ok ? .list(levels.sorted().map(CheckValue.integer)) : nil
    }
    static let reportOnly = CheckKey("report_only", type: "list of corruptions", .optional,
                                     doc: "corruptions measured and reported but held out of the gates") { node, reader in
        PerturbationKeys.names(node, "report_only", among: Corruption.allCases.map(\.rawValue), &reader)
    }
    public static let keys = [corruptions, severities, reportOnly] + PerturbationKeys.all

    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = PerturbationKeys.validate(entry, &reader)
        let measured = PerturbationKeys.texts(entry.value(corruptions))
        for name in PerturbationKeys.texts(entry.value(reportOnly)) where !measured.contains(name) {
            reader.report(at: entry.position(of: reportOnly), "report_only: '\(name)' is not among the corruptions measured")
            ok = false
        }
        return ok
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        let heldOut = PerturbationKeys.texts(entry.value(reportOnly))
        let levels: [CorruptionSeverity] = if case .list(let items)? = entry.value(severities) {
            items.compactMap { if case .integer(let n) = $0 { CorruptionSeverity(n) } else { nil } }
        } else { CorruptionSeverity.all }
        let families = PerturbationKeys.texts(entry.value(corruptions)).compactMap(Corruption.init(rawValue:)).map { corruption in
            PerturbationKeys.check(entry, kind: name, family: .corruption, name: corruption.rawValue, levels: levels.map {
                PerturbationCheck.Level(.corruption(corruption, $0), value: Double($0.level), gated: !heldOut.contains(corruption.rawValue))
            })
        }
        return PerturbationKeys.checks(entry, kind: name, families: families)
    }
}
