import Checks
import Testing

/// "Did you mean …?" finds likely typos and stays quiet otherwise.
@Suite struct SpecSuggestionTests {
    @Test func distanceCountsEditsAndSwapsOnce() {
        #expect(Suggestion.distance("learning_rat", "learning_rate") == 1)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("nmae", "name") == 1)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("same", "same") == 0)
    }

    @Test func closestIgnoresCaseAndDashes() {
        let keys = ["steps", "learning_rate", "warmup"]
        #expect(Suggestion.closest(to: "Learning-Rate", among: keys) == "learning_rate")
        #expect(Suggestion.closest(to: "setps", among: keys) == "steps")
    }

    @Test func wordsCutShortOrRunOnAreSuggested() {
        #expect(Suggestion.closest(to: "warning", among: ["required", "warn"]) == "warn")
        #expect(Suggestion.closest(to: "overfit", among: ["output_shape", "overfit_batch"]) == "overfit_batch")
    }

    @Test func farWordsGetNoSuggestion() {
        #expect(Suggestion.closest(to: "shuffle", among: ["by", "train", "validation", "test", "seed"]) == nil)
        #expect(Suggestion.hint(for: "AUC", among: ["accuracy", "roc_auc"]) == "")
        #expect(Suggestion.hint(for: "acuracy", among: ["accuracy", "roc_auc"]) == " (did you mean 'accuracy'?)")
    }

    @Test func theNearestWinsAndTiesGoToTheFirst() {
        #expect(Suggestion.closest(to: "rotate18", among: ["rotate90", "rotate180"]) == "rotate180")
        #expect(Suggestion.closest(to: "ab", among: ["ac", "ad"]) == "ac")
    }
}
