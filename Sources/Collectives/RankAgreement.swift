extension ProcessGroup {
    /// Refuses to go on unless every rank has the same value for each item (the spec's bytes,
    /// the data fingerprint, the modelcheck version ...): ranks that run different jobs would
    /// train garbage together. The error names the first item and rank that differ.
    public func requireAgreement(_ items: [(what: String, value: String)]) throws {
        guard size > 1 else { return }
        let mine = items.map(\.value).joined(separator: "\u{1F}")
        let all = try allgather(mine, what: "agreement on " + items.map(\.what).joined(separator: ", "))
        for (r, theirs) in all.enumerated() where theirs != all[0] {
            let values = theirs.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            let first = all[0].split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            for (i, item) in items.enumerated() where i >= values.count || values[i] != first[i] {
                let got = i < values.count ? values[i] : "nothing"
                throw RankDisagreement("\(describe(rank: r)) has another \(item.what) than \(describe(rank: 0)): \(got) against \(first[i]); every rank must run the same job")
            }
        }
    }
}
