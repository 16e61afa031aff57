/// A parsed `Content-Range` header: "bytes FIRST-LAST/TOTAL", where TOTAL may be "*", or "bytes */TOTAL" on a 416.
struct ContentRange: Equatable {
    /// The first and last byte of the part sent, absent in the "*/TOTAL" form.
    var first: Int?
    var last: Int?
    /// The complete file's length, absent when the server wrote "*".
    var total: Int?

    init?(header: String) {
        let trimmed = header.trimmingPrefix(while: { $0 == " " })
        guard trimmed.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = trimmed.dropFirst("bytes ".count).filter { $0 != " " }
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        if halves[1] == "*" {
            total = nil
        } else {
            guard let value = Self.number(halves[1]) else { return nil }
            total = value
        }
        if halves[0] == "*" {
            guard total != nil else { return nil }
        } else {
            let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let first = Self.number(bounds[0]), let last = Self.number(bounds[1]),
                  first <= last, total.map({ last < $0 }) ?? true
            else { return nil }
            self.first = first
            self.last = last
        }
    }

    /// Digits only: `Int(_:)` would also accept a sign.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
