import NASCore
import NASSearch

extension SearchSpace {
    /// `degenerate` of a result: the indices of the degenerate architectures, nil when none.
    func degenerateMarks(_ archs: [Architecture]) -> [Int]? {
        let marks = degenerateIndices(archs)
        return marks.isEmpty ? nil : marks
    }
}

extension SearchProblem {
    /// The problem with `includeDegenerate` set from a request (absent = false).
    func including(degenerate: Bool?) -> SearchProblem {
        var p = self
        p.includeDegenerate = degenerate ?? false
        return p
    }
}

extension SearchProblem {
    /// `warnings` of a search result: an accuracy extrapolated beyond the measured data; nil when none.
    func warnings(for r: SearchResult) -> [String]? {
        var seen = Set<Architecture>()
        let reported = ((r.best.map { [$0] } ?? []) + r.front).map(\.arch).filter { seen.insert($0).inserted }
        return extrapolationWarning(for: reported).map { [$0] }
    }
}
