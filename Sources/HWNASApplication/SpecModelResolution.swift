import NASCore
import NASPredictors

/// The model that answers latencies for a device given by its spec (`specModel`), one rule for
/// `predict {spec}` and `search {spec}`: by default (`nearest`) the measured GPU of the space
/// nearest to the spec at its batch size (`NearestGPUModel`: its measurement where it measured the
/// architecture, else its default predictor's), or the hardware-generalized MLP (`mlp`, and
/// `nearest` when no GPU of the space was measured at that batch).
public struct SpecAnswer: Sendable {
    /// The nearest measured GPU that answers.
    public struct Neighbour: Sendable {
        /// Its device name (e.g. `titan_rtx_32`).
        public var name: String
        /// Whether the spec is that GPU's own (spec and batch): it then answers for itself and its
        /// default's own error profile applies.
        public var isOwnSpec: Bool
        /// The hardware-generalized MLP and the spec it is given (its disagreement widens the
        /// interval of an unseen spec).
        public var mlp: TrainedPredictor
        public var spec: [String: Double]
        /// Its finite measurements by architecture, which replace its default's estimates.
        public var measured: [Architecture: Double]
    }

    /// The predictor that answers: the neighbour's default, or the MLP.
    public var predictor: TrainedPredictor
    /// The spec `predictor` is given: nil for a neighbour's default, the spec for the MLP.
    public var spec: [String: Double]?
    /// The neighbour, when one answers.
    public var neighbour: Neighbour?

    /// Latencies of `archs` (architectures of the predictor's space, checked): the predictor's,
    /// each replaced by the neighbour's measurement where it has one (`search`'s latency).
    public func predict(_ archs: [Architecture]) throws(NASError) -> [Double] {
        var out = try predictor.predict(archs: archs, spec: spec)
        if let measured = neighbour?.measured { NearestGPUModel.overlay(&out, archs: archs, lookup: measured) }
        return out
    }

    /// The neighbour when it answers for a spec that is not its own (an unseen GPU): its intervals
    /// and `confidence` margins are `NearestGPUInterval`'s.
    public var unseenNeighbour: Neighbour? { neighbour.flatMap { $0.isOwnSpec ? nil : $0 } }
}

extension DomainServices {
    /// The answer for `spec` given to the space's hardware-generalized predictor `mlp`
    /// (`resolvePredictor`'s pair) under `specModel` (`nearest`, the default, or `mlp`); a
    /// -32602 naming `specModel` for any other name.
    public func specAnswer(mlp: TrainedPredictor, spec: [String: Double], specModel: String?,
                           control: JobControl) throws(NASError) -> SpecAnswer {
        switch specModel ?? "nearest" {
        case "mlp": break
        case "nearest":
            let space = mlp.spaceID
            let gpus = try HardwareGeneralizedTrainer(catalog: catalog).gpuDevices(space: space)
            if let d = try NearestGPUModel.nearest(to: spec, among: gpus) {
                let neighbour = SpecAnswer.Neighbour(name: d.name, isOwnSpec: NearestGPUModel.isSpec(spec, of: d), mlp: mlp,
                                                     spec: spec, measured: try measurementLookup(space: space, device: d.name))
                return SpecAnswer(predictor: try predictors.defaultPredictor(space: space, device: d.name, control: control),
                                  spec: nil, neighbour: neighbour)
            }
        case let other:
            throw NASError(.invalidParams, "unknown specModel '\(other)'; allowed: nearest, mlp", field: "specModel")
        }
        return SpecAnswer(predictor: mlp, spec: spec, neighbour: nil)
    }
}
