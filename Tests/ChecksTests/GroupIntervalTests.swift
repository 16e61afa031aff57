import BiT
import Checks
import Datasets
import Foundation
import Testing

/// Metric intervals on data with groups resample whole groups: a patient whose cells are all
/// misread widens the interval far beyond what the same errors spread over patients would.
@Suite struct GroupIntervalTests {
    /// Two classes; `wrong(i)` says whether image i is misclassified (confidently).
    static func predictions(_ count: Int, wrong: (Int) -> Bool) -> DatasetPredictions {
        let labels = (0..<count).map { $0 % 2 }
        let logits = labels.indices.flatMap { i -> [Float] in
            let predicted = wrong(i) ? 1 - labels[i] : labels[i]
            return predicted == 0 ? [2, -2] : [-2, 2]
        }
        return DatasetPredictions(logits: logits, labels: labels, classes: 2)
    }

    @Test func oneBadPatientWidensTheAccuracyInterval() throws {
        // 20 patients of 20 images; 20 errors, all on patient 0, or one per patient.
        let groups = (0..<400).map { "P\($0 / 20)" }
        let clustered = Self.predictions(400) { $0 / 20 == 0 }
        let spread = Self.predictions(400) { $0 % 20 == 0 }
        let byGroup = try #require(try MetricMeasurement.measure(.accuracy, on: clustered, positive: 1, confidence: 0.95, groups: groups))
        let byImage = try #require(try MetricMeasurement.measure(.accuracy, on: clustered, positive: 1, confidence: 0.95))
        let spreadByGroup = try #require(try MetricMeasurement.measure(.accuracy, on: spread, positive: 1, confidence: 0.95, groups: groups))
        #expect(byGroup.value == 0.95 && byImage.value == 0.95 && byGroup.method == "group bootstrap" && byImage.method == "Wilson")
        let (g, i, s) = (try #require(byGroup.interval), try #require(byImage.interval), try #require(spreadByGroup.interval))
        // Wilson on 400 independent images: about 0.924–0.967; one patient in 20 all wrong is a
        // 1-in-20 event per draw, so the group interval reaches down to about 0.85.
        #expect(g.lower < i.lower - 0.03, "group \(g), image \(i)")
        #expect(s.lower > g.lower + 0.03, "spread errors \(s), clustered \(g)")
        #expect(byGroup.details["groups"] == 20)
    }

    @Test func aPerfectSplitStillHasAnInterval() throws {
        let groups = (0..<40).map { "P\($0 / 10)" }
        let perfect = Self.predictions(40) { _ in false }
        let m = try #require(try MetricMeasurement.measure(.accuracy, on: perfect, positive: 1, confidence: 0.95, groups: groups))
        let ci = try #require(m.interval)
        #expect(m.value == 1 && ci.upper == 1 && ci.lower < 0.95, "\(ci)")
    }

    @Test func everyMetricHasAGroupInterval() throws {
        let groups = (0..<200).map { "P\($0 / 10)" }
        let p = Self.predictions(200) { $0 % 7 == 0 || $0 / 10 == 3 }
        for metric in Spec.Metric.allCases {
            let m = try #require(try MetricMeasurement.measure(metric, on: p, positive: 1, confidence: 0.9, groups: groups), "\(metric)")
            let ci = try #require(m.interval, "\(metric)")
            #expect(ci.lower <= m.value && m.value <= ci.upper && ci.lower >= 0 && ci.upper <= 1, "\(metric): \(m.value) \(ci)")
        }
    }
}

/// Slices: a model wrong on one patient passes the average and fails the worst-slice gate.
@Suite(.serialized) struct SliceGateTests {
    let f = CheckFixture.shared

    @Test func oneFailedPatientFailsTheWorstSliceButNotTheAverage() throws {
        let good = f.context(f.goodModel)
        let patient = try #require(good.groups(.test)?.first)
        let planted = f.context(f.goodModel, model: PlantedClassifier.wrongOnPatient(f.goodModel, patient))
        let sliced = MetricCheck.Gate(metric: .accuracy, threshold: 0.5, comparison: .atLeast, bound: .point, confidence: 0.95,
                                      minSamples: 5, slices: .init(by: "patient", minSize: 4, worst: 0.6, maxGap: nil))
        let average = MetricCheck.Gate(metric: .accuracy, threshold: 0.5, comparison: .atLeast, bound: .point, confidence: 0.95, minSamples: 5)
        #expect(try MetricCheck(id: "a", gate: average).run(planted).verdict == .pass)
        let onGood = try MetricCheck(id: "s", gate: sliced).run(good)
        #expect(onGood.verdict == .pass, "\(onGood.message)")
        let onPlanted = try MetricCheck(id: "s", gate: sliced).run(planted)
        #expect(onPlanted.verdict == .fail, "\(onPlanted.message)")
        let worst = try #require(onPlanted.slices?.worst)
        #expect(worst.name == patient && worst.value == 0 && worst.samples == 8, "\(worst)")
        #expect(onPlanted.message.contains("worst patient \(patient): 0.0000 on 8 images (misses >= 0.6)"), "\(onPlanted.message)")
        // The spread between patients is gated too.
        let gapped = MetricCheck.Gate(metric: .accuracy, threshold: 0.5, comparison: .atLeast, bound: .point, confidence: 0.95,
                                      minSamples: 5, slices: .init(by: "patient", minSize: 4, worst: nil, maxGap: 0.5))
        #expect(try MetricCheck(id: "g", gate: gapped).run(planted).verdict == .fail)
        #expect(try MetricCheck(id: "g", gate: gapped).run(good).verdict == .pass)
        // Slices smaller than the minimum are listed, not judged: with none judged, no verdict.
        let tooSmall = MetricCheck.Gate(metric: .accuracy, threshold: 0.5, comparison: .atLeast, bound: .point, confidence: 0.95,
                                        minSamples: 5, slices: .init(by: "patient", minSize: 100, worst: 0.6, maxGap: nil))
        let small = try MetricCheck(id: "t", gate: tooSmall).run(planted)
        #expect(small.verdict == .inconclusive && small.slices?.rows.allSatisfy { !$0.judged } == true, "\(small.message)")
    }

    /// Slices by a metadata column: a site whose one patient the model gets wrong fails the
    /// worst-slice gate; the patient slicing of the same check still sees the patients.
    @Test func aFailedSiteFailsTheWorstSiteGate() throws {
        let good = f.context(f.goodModel)
        let patients = try #require(good.groups(.test))
        let bad = try #require(patients.first)
        // The bad patient is a site of its own; the others alternate between two sites.
        let others = Array(Set(patients).subtracting([bad])).sorted()
        let site = Dictionary(uniqueKeysWithValues: others.enumerated().map { ($1, $0 % 2 == 0 ? "north" : "south") } + [(bad, "clinic-c")])
        let manifest = f.dotManifest
        let csv = "path,site\n" + manifest.entries.map { entry in "\(entry.path),\(entry.group.flatMap { site[$0] } ?? "north")" }
            .joined(separator: "\n") + "\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sites-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(csv.utf8).write(to: file)
        let attributes = try ImageAttributes(contentsOf: file)
        try attributes.require(describing: manifest)
        let planted = f.context(f.goodModel, model: PlantedClassifier.wrongOnPatient(f.goodModel, bad), attributes: attributes)
        let bySite = MetricCheck.Gate(metric: .accuracy, threshold: 0.5, comparison: .atLeast, bound: .point, confidence: 0.95,
                                      minSamples: 5, slices: .init(by: "site", minSize: 4, worst: 0.6, maxGap: nil))
        let onGood = try MetricCheck(id: "s", gate: bySite).run(f.context(f.goodModel, attributes: attributes))
        #expect(onGood.verdict == .pass && onGood.slices?.rows.count == 3, "\(onGood.message)")
        let onPlanted = try MetricCheck(id: "s", gate: bySite).run(planted)
        #expect(onPlanted.verdict == .fail, "\(onPlanted.message)")
        let worst = try #require(onPlanted.slices?.worst)
        #expect(worst.name == "clinic-c" && worst.value == 0 && onPlanted.slices?.by == "site", "\(worst)")
        #expect(onPlanted.message.contains("worst site clinic-c: 0.0000"), "\(onPlanted.message)")
        // Without the metadata the check cannot say what it was asked: INCONCLUSIVE, never a pass.
        let blind = try MetricCheck(id: "s", gate: bySite).run(f.context(f.goodModel))
        #expect(blind.verdict == .inconclusive && blind.message.contains("no metadata file with a 'site' column"), "\(blind.message)")
    }
}
