import NASCore
import NASNeural
import NASSpaces
import XCTest
@testable import NASSearch

/// The OFA evolution gives the same answer for the same seed whatever the engine does inside:
/// two seeded MLPs (a latency and an accuracy stand-in, on the space's one-hot encoding) answer
/// through the engine and through plain layer-by-layer GEMMs, and the search's answer is the one
/// recorded when the search was written down (issue 22: faster, same results).
final class EvolutionAnswersTests: XCTestCase {
    private struct StandIn {
        var regressor: NeuralRegressor
        /// Through the engine (sparse first layer, row blocks, threads).
        func engine(_ space: any SearchSpace) -> BatchObjective {
            let r = regressor
            return { archs throws(NASError) in r.predict(try space.encode(archs)) }
        }
        /// Through `Kernels.sgemm` layer by layer, as before the engine's shortcuts.
        func plain(_ space: any SearchSpace) -> BatchObjective {
            let r = regressor
            return { archs throws(NASError) in
                let x = try space.encode(archs)
                var input = x.storage
                let net = r.network
                for l in 0..<net.layerCount {
                    var out = [Float](repeating: 0, count: x.rows * net.layerSizes[l + 1])
                    Kernels.sgemm(m: x.rows, n: net.layerSizes[l + 1], k: net.layerSizes[l], a: input, b: net.weights[l],
                                  c: &out, bias: net.biases[l], relu: l != net.layerCount - 1)
                    input = out
                }
                return input.map { r.denormalize($0) }
            }
        }
    }

    private func problem(engine: Bool) throws -> SearchProblem {
        let space = try SpaceRegistry.space("ofa_mbv3")
        let dim = try space.encodingDimension(space.defaultEncoding)
        let latency = StandIn(regressor: NeuralRegressor(network: MLP(layerSizes: [dim, 48, 48, 1], seed: 1),
                                                         transform: .logStandardized, mean: 2.5, std: 0.3))
        let accuracy = StandIn(regressor: NeuralRegressor(network: MLP(layerSizes: [dim, 64, 64, 1], seed: 2),
                                                          transform: .standardized, mean: 76, std: 1.5))
        return SearchProblem(space: space, latency: engine ? latency.engine(space) : latency.plain(space),
                             accuracy: engine ? accuracy.engine(space) : accuracy.plain(space), accuracyLabel: "stand-in")
    }

    func testOFAEvolutionAnswersAreTheRecordedOnes() throws {
        let config = SearchConfig(goal: .latencyBudget(ms: 12), generations: 25, seed: 11)
        let fast = try ArchitectureSearch.run(try problem(engine: true), config: config)
        let plain = try ArchitectureSearch.run(try problem(engine: false), config: config)
        let best = try XCTUnwrap(fast.best)
        XCTAssertEqual(fast.best, plain.best)
        XCTAssertEqual(fast.queries, plain.queries)
        // Recorded with the search and engine of main before issue 22's changes (same seed).
        let space = try SpaceRegistry.space("ofa_mbv3")
        XCTAssertEqual(space.format(best.arch), "ks=5-3-3-3-5-7-3-3-3-7-7-5-3-5-7-3-5-5-7-3;e=3-3-3-3-6-6-4-6-3-4-3-3-4-3-4-3-4-3-4-3;d=4-4-4-4-3;r=140")
        XCTAssertEqual(best.latencyMs.bitPattern, 4_622_884_906_293_040_663)
        XCTAssertEqual(best.accuracy.bitPattern, 4_635_357_397_710_274_560)
        XCTAssertEqual(fast.queries, 2436)
    }
}
