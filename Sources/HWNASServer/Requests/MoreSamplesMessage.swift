import NASPredictors

/// `moreSamples` in `adaptProxy` and `finetune` results: what as many samples again would add,
/// from the learning curve of the fit (cross-validated SRCC on subsets of n/2 and 3n/4 samples
/// and on all n, extrapolated as a − b/t). Absent below 10 samples.
public struct MoreSamplesMessage: Codable, Sendable, Equatable {
    /// Additional samples the estimate is for (as many again as were used).
    public var count: Int
    /// Expected SRCC with `count` more samples.
    public var expectedSRCC: Double
    /// The curve at the samples used (what the returned model should reach).
    public var currentSRCC: Double
    /// The learning curve's measured points.
    public var curve: [Point]

    /// One point: samples the fit was rerun on and its cross-validated SRCC.
    public struct Point: Codable, Sendable, Equatable {
        public var samples: Int
        public var srcc: Double
    }

    /// Wire form of the domain estimate.
    init(_ e: MoreSamplesEstimate) {
        count = e.count
        expectedSRCC = e.expectedSRCC
        currentSRCC = e.currentSRCC
        curve = e.points.map { Point(samples: $0.samples, srcc: $0.srcc) }
    }
}
