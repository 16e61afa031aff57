/// "Did you mean …?": the known word closest to a misspelt one by edit distance.
public enum Suggestion {
    /// The candidate nearest to `word`, or nil when none is near enough to be a likely typo.
    ///
    /// Case and '-' versus '_' are ignored, so `Learning-Rate` finds `learning_rate`. A
    /// candidate counts as near when at most a third of its letters (at least one) differ, or
    /// when one word starts with the other; the nearest wins, on a tie the earlier candidate.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let w = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let c = normalized(candidate)
            let d = distance(w, c)
            // A word cut short or run on ("warning" for "warn") is as likely a slip as a typo.
            let extends = min(w.count, c.count) >= 3 && (c.hasPrefix(w) || w.hasPrefix(c))
            guard d <= max(1, c.count / 3) || extends, d < (best?.distance ?? .max) else { continue }
            best = (candidate, d)
        }
        return best?.candidate
    }

    /// " (did you mean 'x'?)", or "" when nothing is close: ready to append to a message.
    public static func hint(for word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edit distance: the fewest insertions, deletions, substitutions and swaps of neighbouring
    /// letters that turn `a` into `b`, counted in Unicode scalars. Swaps count once because
    /// `nmae` for `name` is one slip of the fingers, not two.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        // Three rows of the dynamic-programming table: a swap looks two rows back.
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }

    private static func normalized(_ s: String) -> String {
        String(s.lowercased().map { $0 == "-" ? "_" : $0 })
    }
}
