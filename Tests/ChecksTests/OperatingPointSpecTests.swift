import Checks
import Testing

/// An operating_point entry's keys and its place in the spec are checked at load, with positions.
@Suite struct OperatingPointSpecTests {
    /// The messages for `checks` after a header whose data names a positive class; checks start on line 15.
    private func messages(_ checks: String, positiveClass: Bool = true) -> [String] {
        let data = positiveClass ? "  classes: [P, N]\n  positive_class: P\nchecks:\n" : "checks:\n"
        return SpecTesting.messages(SpecTesting.header.replacingOccurrences(of: "checks:\n", with: data) + checks)
    }

    @Test func aValidEntryParses() throws {
        #expect(messages("""
              - check: operating_point
                target: sensitivity
                value: 0.98
              - check: metric
                metric: specificity
                min: 0.85
                bound: lower

            """) == [])
        #expect(messages("  - check: operating_point\n    target: youden\n") == [])
    }

    @Test func theTestSplitIsRefusedWithItsPosition() {
        #expect(messages("  - check: operating_point\n    target: sensitivity\n    value: 0.98\n    split: test\n") == [
            "t.spec:18:12: split: a threshold chosen on the test split makes the test optimistic (the gates after it "
                + "would judge the threshold on the images it was fitted to); use validation",
        ])
        #expect(messages("  - check: operating_point\n    target: youden\n    split: train\n") == [
            "t.spec:17:12: split: the model has fitted the training split, so its scores there are overconfident; use validation",
        ])
    }

    @Test func badValuesAreRefusedAllAtOnce() {
        #expect(messages("""
              - check: operating_point
                target: sensitivity
                value: 1.5
                min_samples: 0
              - check: operating_point
                id: second
                target: youden
                value: 0.9
              - check: operating_point
                id: third
                target: specificity
              - check: operating_point
                id: fourth
                target: sensitvity

            """) == [
            "t.spec:17:12: value: must be in (0, 1], got 1.5",
            "t.spec:18:18: min_samples: must be at least 1, got 0",
            "t.spec:22:12: value: youden takes no value; it maximises sensitivity + specificity − 1",
            "t.spec:25:13: operating_point: give the specificity to reach as 'value', e.g. value: 0.98",
            "t.spec:28:13: target: expected one of sensitivity, specificity, youden, got 'sensitvity' (did you mean 'sensitivity'?)",
        ])
    }

    @Test func itNeedsAPositiveClass() {
        #expect(messages("  - check: operating_point\n    target: youden\n", positiveClass: false) == [
            "t.spec:14:13: operating_point: needs data.positive_class, the class whose probability is thresholded",
        ])
    }

    @Test func itComesBeforeEveryMetricAndOnlyOnce() {
        #expect(messages("""
              - check: metric
                metric: accuracy
                min: 0.9
              - check: operating_point
                target: youden
              - check: operating_point
                id: again
                target: youden

            """) == [
            "t.spec:18:5: operating_point must come before every metric check, which reads what it sets; 'metric.accuracy' at 15:5 comes first",
            "t.spec:20:5: operating_point must come before every metric check, which reads what it sets; 'metric.accuracy' at 15:5 comes first",
        ])
    }

    @Test func aSpecTakesOneOperatingPoint() {
        #expect(messages("  - check: operating_point\n    target: youden\n  - check: operating_point\n    id: again\n    target: youden\n") == [
            "t.spec:17:5: a spec takes one operating_point check; 'operating_point' at 15:5 is the first",
        ])
    }
}
