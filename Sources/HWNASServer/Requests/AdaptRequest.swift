import JSONRPC

/// `adapt`: the recommended few-shot adaptation (issue 19). Runs every adaptation family on the
/// target's samples — `finetune` (fine-tune the base), `blend` (fine-tune the blend of the base
/// and the pool, `finetune` with `blendWith`), `proxy` (`adaptProxy` with the pool) and `mean`
/// (their mean); on request also `mix` (the pool members mixed by their fit to the samples) and
/// the means `proxy+mix` and `blend+proxy+mix` — and returns the one whose whole procedure ranks
/// held-out samples best under cross-validation; or, with `stack` among the families, their
/// weighted mean with weights fitted on their out-of-fold predictions (no choice).
/// `finetune` and `adaptProxy` stay as the single-family forms.
public struct AdaptRequest: RequestType {
    public static let method = "adapt"
    public typealias Response = AdaptResult
    /// The space (needed when `base` is a device name or absent).
    public var space: String?
    /// A predictor id, or a fixture device (its default predictor). Absent: the pool member whose
    /// log-latencies follow the samples' closest (jackknife Pearson; it then leaves the pool).
    public var base: String?
    public var target: AdaptProxyRequest.Target
    /// What may be blended besides the base: `true` (default) = every other published fixture
    /// device of the space, `false` = none, or a list of fixture devices and predictor ids.
    public var pool: PoolSelection?
    /// The families to choose among (default `finetune`, `blend`, `proxy`, `mean`; also `mix`,
    /// `proxy+mix`, `blend+proxy+mix`; `stack`: combine the single families given, or blend,
    /// proxy and mix, instead of choosing).
    public var families: [String]?
    /// Held-out target measurements to report `srccBefore`/`srccAfter` on.
    public var evalSamples: [LatencySampleInput]?
    public var seed: UInt64?
    /// Save the adapted predictor under the target's name (default true).
    public var save: Bool?
}

/// Result of `adapt`.
public struct AdaptResult: Codable, Sendable {
    /// The adapted predictor's id (`<target name>`), usable in `predict`/`search`.
    public var predictor: String
    public var target: String
    /// The base used (given, or chosen from the pool).
    public var base: String
    /// The family chosen and its own variant.
    public var family: String
    public var variant: String
    /// Each family with its cross-validated SRCC (null below 5 samples: nothing was scored).
    public var scores: [FamilyScore]
    /// The pool members offered besides the base, in order.
    public var pool: [String]
    /// The members the chosen model blends with their weights (empty when it does not blend).
    public var weights: [MemberWeight]
    /// Rank correlation with the target before (the raw base) and after adaptation.
    public var srccBefore: Double
    public var srccAfter: Double
    /// `evalSamples` or `crossValidated`.
    public var evaluation: String
    /// The chosen procedure's out-of-fold metrics on the samples (outer folds).
    public var crossValidated: MetricsResult?
    /// Samples the chosen fit left out as gross outliers.
    public var outliers: [OutlierMessage]
    public var warnings: [String]
    public var path: String?

    /// One family and its cross-validated SRCC.
    public struct FamilyScore: Codable, Sendable {
        public var family: String
        public var cvSRCC: Double?
    }
}

extension AdaptRequest {
    /// The predictor ids (or fixture device names) it reads: the base and the pool's members.
    /// Its dependencies, and what its kept answer must not have written (`rememberedFit`).
    var predictorsRead: [String] { [base].compactMap { $0 } + (pool?.members ?? []) }
}
