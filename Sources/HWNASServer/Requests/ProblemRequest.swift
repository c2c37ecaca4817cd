import JSONRPC

/// A request whose params are a search problem (`ProblemParams`) and the method's own
/// settings: one flat object on the wire, the problem's fields beside the settings'
/// (`search`, `trainGenerator`).
public protocol ProblemRequest: RequestType {
    /// The method's own params.
    associatedtype Settings: Codable & Sendable
    /// The space, the latency source, the objective.
    var problem: ProblemParams { get }
    /// The method's own params.
    var settings: Settings { get }
    /// A request from its two parts.
    init(problem: ProblemParams, settings: Settings)
}

extension ProblemRequest {
    /// Both parts from the same (flat) params object.
    public init(from decoder: any Decoder) throws {
        self.init(problem: try ProblemParams(from: decoder), settings: try Settings(from: decoder))
    }

    /// Both parts into the same (flat) params object.
    public func encode(to encoder: any Encoder) throws {
        try problem.encode(to: encoder)
        try settings.encode(to: encoder)
    }
}
