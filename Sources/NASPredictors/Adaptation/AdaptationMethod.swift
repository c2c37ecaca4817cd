import NASNeural

/// How a proxy's predictor is adapted to a target.
public enum AdaptationMethod: String, Sendable, Equatable, Codable, CaseIterable {
    /// HELP-style: log target = a + b · log proxy (keeps the proxy's ranking, rescales to ms).
    case affine
    /// Ridge model on the proxy's latency plus option counts / one-hot columns (learns the
    /// target's per-op corrections from k samples; closed form).
    case residual
    /// OneProxy: fine-tune the proxy's neural predictor on the k samples (needs a network proxy).
    case finetune
    /// Multi-proxy: the proxy together with a pool of other devices' models (the fixture
    /// devices of the space): the best single member by the k samples, affine-mapped, or a
    /// non-negative or ridge blend of members, optionally with per-op corrections.
    case pool
    /// Choose among the above by k-fold cross-validated SRCC on the target samples (the pool
    /// candidates only when a pool is given).
    case auto
}

/// The fitted part of an adapted predictor.
public enum AdaptedModel: Sendable, Equatable {
    /// A linear head on top of the proxy's latency (needs the proxy at prediction time).
    case linear(AdaptedLinearHead)
    /// A fine-tuned network on `ActiveOneHot` input (self-contained).
    case network(NeuralRegressor)
    /// A linear head on a blend of the proxy and pool members.
    case pooled(PoolBlend, AdaptedLinearHead)
    /// The mean of several adapted models' milliseconds (`auto`: the best three by
    /// cross-validated SRCC, steadier than one choice made on k ≈ 20 samples).
    indirect case ensemble([AdaptedModel])
}
