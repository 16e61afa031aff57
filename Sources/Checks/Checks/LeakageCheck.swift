import Datasets

/// No patient (group) and no byte-identical image is in two of train, validation and test.
public struct LeakageCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity

    /// A check with the given identity.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required) { (self.id, self.severity) = (id, severity) }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let pattern = try context.manifest.groupPattern.map { try GroupPattern($0) }
        let report = try LeakageReport(context.manifest, split: context.split, groupPattern: pattern)
        let leaks = report.sharedGroups.count + report.crossSplitDuplicates.count
        return CheckResult(
            id: id, kind: Self.name, title: "no group or identical image in two splits", severity: severity,
            verdict: report.hasLeakage ? .fail : .pass, value: Double(leaks), threshold: 0, comparison: .atMost,
            samples: context.manifest.entries.count,
            message: report.hasLeakage
                ? "\(report.sharedGroups.count) groups and \(report.crossSplitDuplicates.count) identical images appear in more than one split"
                : (report.groupsChecked ? "every group (patient) in one split" : "no groups known (no group pattern)")
                    + "; no identical images across splits",
            details: ["sharedGroups": Double(report.sharedGroups.count), "crossSplitDuplicates": Double(report.crossSplitDuplicates.count)],
            evidence: Array(report.lines.prefix(10)))
    }
}

extension LeakageCheck: CheckDefinition {
    public static let name = "no_leakage"
    public static let phase = CheckPhase.preTrain
    public static let doc = "no patient (group) and no byte-identical image in two splits"
    public static let keys: [CheckKey] = []

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [LeakageCheck(id: entry.id, severity: entry.severity)]
    }
}
