/// The search problem as `search` and `trainGenerator` state it: the space, where latency comes
/// from (a fixture device's default predictor, a predictor id, or a device spec at a batch
/// size), the accuracy objective, and whether degenerate architectures count. On the wire its
/// fields stand beside the method's own params, in one flat object.
public struct ProblemParams: Codable, Sendable {
    /// The search space.
    public var space: String
    /// Latency from a fixture device's default predictor...
    public var device: String?
    /// ...or a predictor id...
    public var predictor: String?
    /// ...or a device spec (hardware-generalized predictor).
    public var spec: DeviceSpecInput?
    /// The batch size of a spec's prediction.
    public var batch: Int?
    /// With `spec`: `nearest` (default) or `mlp`, as `predict`'s `specModel` (`specAnswer`).
    public var specModel: String?
    /// Accuracy source (default per space).
    public var objective: SearchObjectiveInput?
    /// Let degenerate architectures (`encode`'s `degenerate`: NB201 cells with no data path)
    /// be chosen. Default false.
    public var includeDegenerate: Bool?

    /// A problem on `space`.
    public init(space: String, device: String? = nil, predictor: String? = nil, spec: DeviceSpecInput? = nil,
                batch: Int? = nil, specModel: String? = nil, objective: SearchObjectiveInput? = nil,
                includeDegenerate: Bool? = nil) {
        self.space = space
        self.device = device
        self.predictor = predictor
        self.spec = spec
        self.batch = batch
        self.specModel = specModel
        self.objective = objective
        self.includeDegenerate = includeDegenerate
    }
}
