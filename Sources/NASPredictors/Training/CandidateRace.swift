#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// When `auto` stops training its plain-MLP candidate early because it cannot win the choice.
///
/// `auto` keeps the plain MLP only when its validation RMSE is below 0.99 × the best of the LUT
/// and the LUT+residual MLP. The MLP trains longest (gold_6226: 177 epochs against the residual
/// network's 32) and is kept on 2 of 72 fixture devices. After `minEpochs` epochs it is stopped
/// as soon as the validation RMSE of its best weights so far is above `ratio` × 0.99 × the best
/// rival known at that epoch: the LUT, and the residual network once it has ended (at an epoch
/// ≤ the MLP's: the rule does not depend on which thread runs ahead). A stopped MLP keeps its
/// best weights so far and is not chosen; every other candidate is unchanged, so the choice
/// changes only where the stopped MLP would have won.
public struct AutoRace: Sendable, Equatable {
    /// Epochs the MLP always trains.
    public var minEpochs: Int
    /// How far above the rival's bar the MLP's current RMSE must be to stop it.
    public var ratio: Double
    /// Whether an exact table (`PredictorTrainer.exactTableTolerance`) ends the race before any
    /// network trains.
    public var exactTableWins: Bool

    /// A rule.
    public init(minEpochs: Int, ratio: Double, exactTableWins: Bool = true) {
        self.minEpochs = minEpochs
        self.ratio = ratio
        self.exactTableWins = exactTableWins
    }

    /// The rule `auto` uses (measured on every fixture device: `hwnas-bench predictors`, §1).
    public static let shipped = AutoRace(minEpochs: 30, ratio: 1.5)
    /// Never stop a candidate early (the candidates as trained before the race, every network
    /// trained even on an exact table; benchmarks).
    public static let off = AutoRace(minEpochs: Int.max, ratio: .infinity, exactTableWins: false)
}

/// The state two side-by-side `auto` candidates share: the residual network reports each epoch and
/// its final validation RMSE; the MLP asks, at its own epoch e, for the best rival known at e.
final class CandidateRace: Sendable {
    private struct State {
        var residualEpochs = 0
        var residualFinal: (epochs: Int, rmse: Double)? = nil
        var residualGaveUp = false
    }
    private let state = Mutex(State())
    private let lutRMSE: Double
    let rule: AutoRace

    init(lutRMSE: Double, rule: AutoRace) {
        self.lutRMSE = lutRMSE
        self.rule = rule
    }

    /// The residual network finished epoch `epoch` and goes on.
    func residualEpoch(_ epoch: Int) {
        state.withLock { $0.residualEpochs = epoch }
    }

    /// The residual network ended after `epochs` epochs with this validation RMSE (nil: it failed).
    func residualEnded(epochs: Int, rmse: Double?) {
        state.withLock {
            if let rmse { $0.residualFinal = (epochs, rmse) } else { $0.residualGaveUp = true }
        }
    }

    /// Whether the MLP, at `epoch` with best-weights validation RMSE `rmse`, should stop. Waits
    /// (briefly: both networks train at the same pace) until the residual network's state at
    /// `epoch` is known.
    func mlpShouldStop(epoch: Int, rmse: Double) -> Bool {
        guard epoch >= rule.minEpochs else { return false }
        var rival = lutRMSE
        while true {
            let known: Bool = state.withLock { s in
                if let f = s.residualFinal {
                    if f.epochs <= epoch { rival = min(rival, f.rmse) }
                    return true
                }
                return s.residualGaveUp || s.residualEpochs > epoch
            }
            if known { break }
            usleep(200)
        }
        return rmse > rule.ratio * 0.99 * rival
    }
}
