import NASCore

/// Builds the network of one search space's architecture as an ONNX graph: the exact network
/// its cost model (`SearchSpace.cost(of:)`) describes, so that the builder's MAC and parameter
/// counts equal the cost model's.
///
/// One conforming type per space, in a file named for the space (`NB201Network`, ...); the
/// exporter finds them by space id in `NetworkExporter.builders`.
public protocol NetworkBuilder: Sendable {
    /// The wire id of the space.
    var spaceID: String { get }
    /// The input resolution of every network of the space, or nil when the architecture carries
    /// its own (the object form's field `r`).
    var fixedResolution: Int? { get }
    /// The input channels and classes.
    var inputChannels: Int { get }
    /// The graph of `arch` (canonical, valid) at input `resolution` for `batch` samples. With
    /// `pruneDead`, operations whose output reaches no graph output are left out (spaces
    /// without such operations ignore it).
    func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder
}

extension NetworkBuilder {
    public var fixedResolution: Int? { nil }
    public var inputChannels: Int { 3 }
}
