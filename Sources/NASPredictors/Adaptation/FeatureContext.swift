import NASCore

/// Builds design rows for linear heads.
struct FeatureContext {
    let space: any SearchSpace
    let counts: OptionCountFeatures
    let onehot: ActiveOneHot

    init(space: any SearchSpace) {
        self.space = space
        counts = OptionCountFeatures(space: space)
        onehot = ActiveOneHot(space: space)
    }

    func row(_ arch: Architecture, proxy: Double, head: AdaptedLinearHead) -> [Double] {
        row(arch, proxy: proxy, logSpace: head.logSpace, features: head.features)
    }

    func row(_ arch: Architecture, proxy: Double, logSpace: Bool, features: AdaptedLinearHead.FeatureSet) -> [Double] {
        AdaptedLinearHead.row(arch, proxy: proxy, logSpace: logSpace, features: features,
                              space: space, counts: counts, onehot: onehot)
    }
}
