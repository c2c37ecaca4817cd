/// A request whose `$/progress` `begin` names the job for people, e.g. "search nb201/pixel3
/// ≤ 5 ms" or "training latency predictor default-nb201-pixel3 (default model)"; requests
/// without one are titled with their method name.
public protocol ProgressTitled {
    /// The title of the `begin` notification.
    var progressTitle: String { get }
}
