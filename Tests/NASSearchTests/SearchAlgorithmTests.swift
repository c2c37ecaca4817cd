import NASCore
import Synchronization
import XCTest
@testable import NASSearch

/// Collects progress reports (thread-safe).
final class ProgressLog: Sendable {
    private let reports = Mutex<[ProgressReport]>([])
    var control: JobControl { JobControl(onProgress: { r in self.reports.withLock { $0.append(r) } }) }
    var all: [ProgressReport] { reports.withLock { $0 } }
}

/// Lets a progress callback reach its own control (to cancel from inside the run).
final class ControlBox: Sendable {
    let control = Mutex<JobControl?>(nil)
}

final class SearchAlgorithmTests: XCTestCase {
    let midBudget = 8.0

    func testEvolutionFindsSyntheticOptimumUnderBudget() throws {
        let config = SearchConfig(goal: .latencyBudget(ms: midBudget), generations: 40, seed: 1)
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
        let best = try XCTUnwrap(r.best)
        XCTAssertLessThanOrEqual(best.latencyMs, midBudget)
        XCTAssertEqual(best.accuracy, SyntheticSpace.optimum(budget: midBudget), accuracy: 1.0)
        XCTAssertFalse(r.partial)
        XCTAssertEqual(r.generations, 40)
        XCTAssertEqual(r.algorithm, .evolution)
        XCTAssertTrue(r.front.isEmpty, "budget mode returns no front")
    }

    func testQueriesCountDistinctArchitecturesAndRespectMaxQueries() throws {
        let calls = Counter()
        let config = SearchConfig(goal: .latencyBudget(ms: midBudget), generations: 1000, maxQueries: 700, seed: 2)
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(calls: calls), config: config)
        XCTAssertEqual(r.queries, 700)
        XCTAssertEqual(calls.total, 700, "each distinct architecture reaches the latency objective once")
        XCTAssertLessThan(r.generations, 1000)
    }

    func testProgressArrivesInOrderAndLastIsFinal() throws {
        let log = ProgressLog()
        let config = SearchConfig(goal: .latencyBudget(ms: midBudget), generations: 15, seed: 3)
        _ = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config, control: log.control)
        let reports = log.all
        XCTAssertEqual(reports.count, 16, "one per generation and a final one")
        XCTAssertEqual(reports.dropLast().map(\.step), Array(1...15))
        let last = try XCTUnwrap(reports.last)
        XCTAssertEqual(last.step, 15)
        XCTAssertEqual(last.total, 15)
        XCTAssertEqual(last.values["final"], .bool(true))
        XCTAssertEqual(last.values["partial"], .bool(false))
        for key in ["generation", "bestAccuracy", "bestLatency", "feasibleFraction", "frontSize", "queries"] {
            XCTAssertNotNil(reports[3].values[key], key)
        }
        // Best accuracy never decreases.
        let accs = reports.compactMap { r -> Double? in
            if case .double(let v)? = r.values["bestAccuracy"] { return v } else { return nil }
        }
        XCTAssertEqual(accs, accs.sorted())
    }

    func testCancelMidRunReturnsPartialQuickly() throws {
        let box = ControlBox()
        let log = JobControl(onProgress: { r in
            if r.step == 3 { box.control.withLock { $0?.cancel() } }
        })
        box.control.withLock { $0 = log }
        let config = SearchConfig(goal: .latencyBudget(ms: midBudget), generations: 100_000, seed: 4)
        let start = ContinuousClock.now
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config, control: log)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        XCTAssertTrue(r.partial)
        XCTAssertEqual(r.generations, 3, "stops at the next generation boundary")
        XCTAssertNotNil(r.best, "what was found so far")
    }

    func testCancelBeforeStartReturnsEmptyPartial() throws {
        let control = JobControl()
        control.cancel()
        for algorithm in SearchAlgorithm.allCases {
            let r = try ArchitectureSearch.run(SyntheticSpace.problem(),
                                               config: SearchConfig(goal: .latencyBudget(ms: midBudget), algorithm: algorithm),
                                               control: control)
            XCTAssertTrue(r.partial)
            XCTAssertNil(r.best)
            XCTAssertEqual(r.queries, 0)
        }
    }

    func testImpossibleBudgetThrowsInfeasibleBudgetNamingFastest() {
        // The fastest synthetic architecture takes 1 ms.
        for algorithm in SearchAlgorithm.allCases {
            let config = SearchConfig(goal: .latencyBudget(ms: 0.5), algorithm: algorithm, generations: 10, seed: 5)
            XCTAssertThrowsError(try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)) { error in
                let e = error as? NASError
                XCTAssertEqual(e?.kind, .infeasibleBudget)
                XCTAssertEqual(e?.field, "budget.latency_ms")
                XCTAssertTrue(e?.message.contains("fastest") ?? false, e?.message ?? "")
            }
        }
    }

    func testEvolutionWalksToATightBudgetFromAnInfeasibleStart() throws {
        // Only 1 of 15,625 synthetic architectures meets 1 ms; constrained domination walks there.
        let config = SearchConfig(goal: .latencyBudget(ms: 1.0), generations: 60, seed: 6)
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
        XCTAssertEqual(r.best?.latencyMs, 1.0)
    }

    func testSafetyMarginTightensTheLimit() throws {
        let config = SearchConfig(goal: .latencyBudget(ms: 10), generations: 30, seed: 7, safetyMargin: 0.2)
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
        XCTAssertLessThanOrEqual(try XCTUnwrap(r.best).latencyMs, 8.0)
    }

    func testDeterministicPerSeed() throws {
        for algorithm in SearchAlgorithm.allCases {
            let config = SearchConfig(goal: .latencyBudget(ms: midBudget), algorithm: algorithm, generations: 10,
                                      maxQueries: 600, seed: 42)
            let a = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
            let b = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
            XCTAssertEqual(a.best, b.best, "\(algorithm)")
            XCTAssertEqual(a.queries, b.queries, "\(algorithm)")
            var other = config
            other.seed = 43
            let c = try ArchitectureSearch.run(SyntheticSpace.problem(), config: other)
            XCTAssertEqual(c.queries, a.queries)
        }
    }

    func testNSGA2FrontIsNonDominatedAndSortedByLatency() throws {
        let config = SearchConfig(goal: .pareto, algorithm: .nsga2, generations: 30, seed: 8)
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(), config: config)
        XCTAssertGreaterThan(r.front.count, 5)
        for (i, p) in r.front.enumerated() {
            for (j, q) in r.front.enumerated() where i != j {
                XCTAssertFalse(ParetoFront.dominates(latency: q.latencyMs, accuracy: q.accuracy,
                                                     latency: p.latencyMs, accuracy: p.accuracy))
            }
        }
        XCTAssertEqual(r.front.map(\.latencyMs), r.front.map(\.latencyMs).sorted())
        XCTAssertEqual(r.best?.accuracy, r.front.last?.accuracy)
        // The searched front covers most of the true front's hypervolume.
        let all = SyntheticSpace().enumerateAll()!
        let lat = all.map(SyntheticSpace.latency), acc = all.map(SyntheticSpace.accuracy)
        let refL = lat.max()!, refA = acc.min()!
        let truth = ParetoFront.hypervolume(latency: lat, accuracy: acc, referenceLatency: refL, referenceAccuracy: refA)
        let found = ParetoFront.hypervolume(r.front, referenceLatency: refL, referenceAccuracy: refA)
        XCTAssertGreaterThan(found / truth, 0.95)
        XCTAssertLessThanOrEqual(found, truth + 1e-9)
    }

    func testEvolutionInParetoModeRunsNSGA2() throws {
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(),
                                           config: SearchConfig(goal: .pareto, generations: 3, seed: 9))
        XCTAssertEqual(r.algorithm, .nsga2)
        XCTAssertFalse(r.front.isEmpty)
    }

    func testRandomSearchRunsCeilOfQueriesOverPopulation() throws {
        let r = try ArchitectureSearch.run(SyntheticSpace.problem(),
                                           config: SearchConfig(goal: .pareto, algorithm: .random, maxQueries: 250, seed: 10))
        XCTAssertEqual(r.generations, 3)
        XCTAssertEqual(r.queries, 250)
        XCTAssertEqual(r.feasibleFraction, 1)
    }

    func testInvalidConfigurationIsRejected() {
        let bad: [SearchConfig] = [
            SearchConfig(goal: .latencyBudget(ms: -1)),
            SearchConfig(goal: .pareto, parents: 0),
            SearchConfig(goal: .pareto, mutationProbability: 2),
            SearchConfig(goal: .pareto, generations: 0),
            SearchConfig(goal: .pareto, maxQueries: 0),
            SearchConfig(goal: .pareto, safetyMargin: 1),
        ]
        for c in bad {
            XCTAssertThrowsError(try ArchitectureSearch.run(SyntheticSpace.problem(), config: c)) {
                XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
            }
        }
    }

    func testObjectiveErrorsPropagateAndWrongCountsAreInternalErrors() {
        var p = SyntheticSpace.problem()
        p.accuracy = { _ throws(NASError) in throw NASError(.unknownPredictor, "gone") }
        XCTAssertThrowsError(try ArchitectureSearch.run(p, config: SearchConfig(goal: .pareto, generations: 2))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .unknownPredictor)
        }
        p.accuracy = { _ throws(NASError) in [1] }
        XCTAssertThrowsError(try ArchitectureSearch.run(p, config: SearchConfig(goal: .pareto, generations: 2))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .internal)
        }
    }

    func testInlineValuesExcludeUnknownArchitectures() throws {
        let space = SyntheticSpace()
        let known = space.sample(count: 50, seed: 11)
        var values: [Architecture: Double] = [:]
        for a in known { values[a] = SyntheticSpace.accuracy(a) }
        var p = SyntheticSpace.problem()
        let source = AccuracySources.inline(values, space: space)
        p.accuracy = source.objective
        let r = try ArchitectureSearch.run(p, config: SearchConfig(goal: .pareto, algorithm: .random, generations: 200, seed: 12))
        XCTAssertFalse(r.front.isEmpty)
        for c in r.front { XCTAssertNotNil(values[c.arch], "front holds only archs with supplied values") }
    }

    func testProxyIsLabelledAndPrefersSmallerNetworks() throws {
        let space = SyntheticSpace()
        let proxy = AccuracySources.proxy(.macs, space: space)
        XCTAssertTrue(proxy.isProxy)
        XCTAssertTrue(proxy.label.contains("proxy"))
        let v = try proxy.objective([Architecture(genes: [0, 0, 0, 0, 0, 0]), Architecture(genes: [4, 4, 4, 4, 4, 4])])
        XCTAssertGreaterThan(v[0], v[1])
    }
}
