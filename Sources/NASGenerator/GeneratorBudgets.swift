/// Which latency budgets the generator is trained on.
public enum GeneratorBudgets: Sendable, Equatable {
    /// Every budget in a range (ms): each step samples budgets stratified over it (log-scale).
    case range(ClosedRange<Double>)
    /// Only these budgets (ms): each step uses all of them (or a stratified subset when there
    /// are more than `GeneratorConfig.budgetsPerStep`).
    case list([Double])
    /// A range from the warm-up sample's latencies: its 2nd to 98th percentile.
    case automatic
}
