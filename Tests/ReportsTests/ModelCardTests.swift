import Checks
import Datasets
import Reports
import Testing

/// The model card says only what the evidence says: every check with its interval, the slices,
/// and the limitations the numbers show (undecided checks, failed warnings, slices too small).
@Suite struct ModelCardTests {
    @Test func theCardIsWrittenFromTheResults() throws {
        var sliced = SampleResults.accuracy
        let labels = Array(repeating: 1, count: 12)
        let logits: [Float] = (0..<12).flatMap { $0 < 10 ? [-2, 2] : [2, -2] }
        sliced.slices = try SliceTable(.accuracy, on: DatasetPredictions(logits: logits, labels: labels, classes: 2), positive: 1,
                                       groups: Array(repeating: "C1", count: 10) + ["C2", "C2"], by: "patient", minSize: 5, confidence: 0.95)
        let inputs = ReportInputs(result: SampleResults.result([sliced, SampleResults.rotate90]), specName: "malaria",
                                  classNames: ["Parasitized", "Uninfected"],
                                  splitCounts: [(split: "test", perClass: [5, 7], groups: 2)], description: "Screen thin-smear cells.")
        let card = ModelCard.render(inputs)
        #expect(card.hasPrefix("# Model card: malaria\n\n## Intended use\n\nScreen thin-smear cells.\n"))
        #expect(card.contains("| accuracy | pass | 0.931 | [0.931, 0.98] | 412 |"), "\(card)")
        #expect(card.contains("| test | 12 | 2 |"))
        #expect(card.contains("accuracy per patient, worst first:") && card.contains("| C2 | 0 | 2 | no |"), "\(card)")
        #expect(card.contains("- 1 of 2 patients in accuracy have fewer than 5 images and were listed, not judged: C2"), "\(card)")
        #expect(card.contains("- invariance.rotate90 was inconclusive: only 12 images"), "\(card)")
        // Without a description the card says what is missing rather than inventing a use.
        #expect(ModelCard.render(ReportInputs(result: SampleResults.result([]), specName: "m")).contains("add a `description:`"))
    }
}
