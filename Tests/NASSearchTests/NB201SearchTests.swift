import NASCore
import NASData
import NASSpaces
import XCTest
@testable import NASSearch

/// Searches on the real NAS-Bench-201 data (measured latency lookup, measured CIFAR-10 accuracy).
final class NB201SearchTests: XCTestCase {
    func testEvolutionUnderAMidBudgetIsWithinOnePointOfTheEnumeratedOptimum() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        let device = "1080ti_1"
        let m = try catalog.measurements(space: "nb201", device: device)
        let latency = try LookupObjective.table(archs: m.archs, values: m.latency, space: space)
        let accuracy = try AccuracySources.nb201(dataset: "cifar10", catalog: catalog, space: space)
        XCTAssertTrue(accuracy.label.contains("measured"))
        let problem = SearchProblem(space: space, latency: latency, accuracy: accuracy)

        // Mid budget: the median measured latency; optimum by enumerating all 15,625 cells.
        let budget = m.latency.sorted()[m.latency.count / 2]
        let all = space.enumerateAll()!
        let lat = try latency(all), acc = try accuracy.objective(all)
        let optimum = (0..<all.count).filter { lat[$0] <= budget }.map { acc[$0] }.max()!

        let config = SearchConfig(goal: .latencyBudget(ms: budget), generations: 60, seed: 2024)
        let r = try ArchitectureSearch.run(problem, config: config)
        let best = try XCTUnwrap(r.best)
        XCTAssertLessThanOrEqual(best.latencyMs, budget)
        XCTAssertGreaterThanOrEqual(best.accuracy, optimum - 1.0, "optimum \(optimum), found \(best.accuracy)")
        XCTAssertLessThanOrEqual(best.accuracy, optimum)
    }
}
