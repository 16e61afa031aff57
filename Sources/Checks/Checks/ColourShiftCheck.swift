import Imaging
import Yams

/// `colour_shift`: the test split under stain and colour shifts (stain intensity by optical
/// density, hue rotation, saturation, white balance), each across a range; one check per shift.
public enum ColourShiftCheck: CheckDefinition {
    public static let name = "colour_shift"
    public static let phase = CheckPhase.postTrain
    public static let doc = "per shift (`" + ColourShift.Kind.allCases.map(\.rawValue).joined(separator: "`, `")
        + "`) at `steps` amounts across its range, the share of test images whose decided class changes and the drop of `metric`, "
        + "with intervals over patients (groups); gated on the worst gated amount (`max_flip_rate`, `max_drop`)"
    static let shifts = CheckKey("shifts", type: "{shift: [low, high]}", .required,
                                 doc: "the range of each shift, e.g. {stain_intensity: [0.7, 1.4], hue_rotation: [-15, 15]}") { node, reader in
        readShifts(node, &reader)
    }
    static let steps = CheckKey.integer("steps", .defaultValue(.integer(4)), atLeast: 2, atMost: 9,
                                        doc: "amounts per range, evenly spaced from its low to its high end")
    static let reportOnly = CheckKey("report_only", type: "list of shifts", .optional,
                                     doc: "shifts measured and reported but held out of the gates") { node, reader in
        PerturbationKeys.names(node, "report_only", among: ColourShift.Kind.allCases.map(\.rawValue), &reader)
    }
    public static let keys = [shifts, steps, reportOnly] + PerturbationKeys.all

    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = PerturbationKeys.validate(entry, &reader)
        let measured = ranges(entry).map(\.kind.rawValue)
        for name in PerturbationKeys.texts(entry.value(reportOnly)) where !measured.contains(name) {
            reader.report(at: entry.position(of: reportOnly), "report_only: '\(name)' is not among the shifts measured")
            ok = false
        }
        return ok
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        let heldOut = PerturbationKeys.texts(entry.value(reportOnly)), count = entry.integer(steps)
        let families = ranges(entry).map { range in
            // Amounts on a grid of thousandths, as reports print them.
            let amounts = (0..<count).map { ((range.low + (range.high - range.low) * Double($0) / Double(count - 1)) * 1000).rounded() / 1000 }
            return PerturbationKeys.check(entry, kind: name, family: .colourShift, name: range.kind.rawValue, levels: amounts.map {
                PerturbationCheck.Level(.colourShift(range.kind, amount: $0), value: $0, gated: !heldOut.contains(range.kind.rawValue))
            })
        }
        return PerturbationKeys.checks(entry, kind: name, families: families)
    }

    /// The ranges an entry gives, in the order written.
    static func ranges(_ entry: Spec.Check) -> [(kind: ColourShift.Kind, low: Double, high: Double)] {
        guard case .list(let items)? = entry.value(shifts) else { return [] }
        return items.compactMap { item in
            guard case .list(let parts) = item, parts.count == 3, case .text(let name) = parts[0], let kind = ColourShift.Kind(rawValue: name),
                  case .number(let low) = parts[1], case .number(let high) = parts[2] else { return nil }
            return (kind, low, high)
        }
    }

    /// Known shifts, each a range [low, high] with low < high inside what the shift can take:
    /// factors above 0, hue within ±180 degrees.
    private static func readShifts(_ node: Node, _ reader: inout SpecReader) -> CheckValue? {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            reader.report(node, "shifts: expected a mapping like {stain_intensity: [0.7, 1.4]}, got \(SpecReader.describe(node))")
            return nil
        }
        var ranges: [CheckValue] = [], ok = true
        for (keyNode, value) in mapping {
            guard let kind = reader.choice(keyNode, "shifts", among: ColourShift.Kind.allCases) else { ok = false; continue }
            let key = "shifts.\(kind.rawValue)"
            guard let ends = reader.list(value, key, of: "two numbers"), ends.count == 2 else {
                if value.sequence != nil { reader.report(value, "\(key): expected [low, high], two numbers") }
                ok = false
                continue
            }
            let expectation = kind == .hueRotation ? "within [-180, 180] degrees" : "a factor > 0"
            let valid: (Double) -> Bool = kind == .hueRotation ? { abs($0) <= 180 } : { $0 > 0 }
            guard let low = reader.bounded(ends[0], key, expectation, valid), let high = reader.bounded(ends[1], key, expectation, valid) else {
                ok = false
                continue
            }
            guard low < high else {
                reader.report(value, low == high ? "\(key): the range [\(SpecReader.text(ends[0])), \(SpecReader.text(ends[1]))] is a single amount; give two different ends"
                              : "\(key): the ends are swapped; write [\(SpecReader.text(ends[1])), \(SpecReader.text(ends[0]))]")
                ok = false
                continue
            }
            ranges.append(.list([.text(kind.rawValue), .number(low), .number(high)]))
        }
        return ok ? .list(ranges) : nil
    }
}
