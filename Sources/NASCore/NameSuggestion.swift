/// "Did you mean …?" for names people type: spaces, devices, GPUs.
///
/// Names are compared normalized (lower case, letters and digits only), so `Pixel3`, `pixel-3`
/// and `PIXEL 3` all find `pixel3`. A candidate may have aliases (e.g. a space's long name,
/// `NAS-Bench-201` for `nb201`); the suggestion is always the candidate's own name.
public enum NameSuggestion {
    /// Lower-cased letters and digits of `text`.
    public static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// Up to `limit` candidate names close to `query`, best first: same normalized spelling
    /// (then only those), else prefix/substring matches (either way, ≥ 3 characters), then small edit distances
    /// (≤ a third of the query's length, at least 1).
    public static func suggestions(for query: String, among candidates: [(name: String, aliases: [String])],
                                   limit: Int = 3) -> [String] {
        let q = normalized(query)
        guard !q.isEmpty else { return [] }
        var scored: [(score: Int, order: Int, name: String)] = []
        for (order, c) in candidates.enumerated() {
            var best = Int.max
            for key in [c.name] + c.aliases {
                let k = normalized(key)
                guard !k.isEmpty else { continue }
                if k == q { best = 0; break }
                if q.count >= 3 && (k.hasPrefix(q) || q.hasPrefix(k) && k.count >= 3) {
                    best = min(best, 1 + abs(k.count - q.count))
                } else if q.count >= 3 && (k.contains(q) || k.count >= 3 && q.contains(k)) {
                    best = min(best, 100 + abs(k.count - q.count))
                } else {
                    let d = editDistance(q, k)
                    if d <= max(1, q.count / 3) { best = min(best, 200 + d) }
                }
            }
            if best != Int.max { scored.append((best, order, c.name)) }
        }
        scored.sort { ($0.score, $0.order) < ($1.score, $1.order) }
        if scored.first?.score == 0 { scored = scored.filter { $0.score == 0 } }  // same spelling: nothing else
        var seen = Set<String>()
        return scored.map(\.name).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// `"; did you mean 'a'?"` (or `'a' or 'b'`), or "" when nothing is close: append it to an
    /// error message.
    public static func didYouMean(_ query: String, among candidates: [(name: String, aliases: [String])]) -> String {
        let s = suggestions(for: query, among: candidates)
        guard !s.isEmpty else { return "" }
        // A name read from a file or a script may carry a carriage return or spaces that the
        // message would print invisibly ("did you mean 'titanx_64'?" for "titanx_64\r").
        let visible = String(String.UnicodeScalarView(query.unicodeScalars.filter {
            !$0.properties.isWhitespace && $0.properties.generalCategory != .control
        }))
        let invisible = visible != query && s.contains(visible)
            ? " (the name given, \(query.debugDescription), has invisible characters: a carriage return or spaces)" : ""
        return "; did you mean " + s.map { "'\($0)'" }.joined(separator: " or ") + "?" + invisible
    }

    /// Same as `didYouMean(_:among:)` for candidates without aliases.
    public static func didYouMean(_ query: String, among names: [String]) -> String {
        didYouMean(query, among: names.map { ($0, []) })
    }

    /// Levenshtein distance of two strings (by character).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
