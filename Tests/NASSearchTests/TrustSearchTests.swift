import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces
import XCTest
@testable import NASSearch

/// Issue 17: degenerate cells are never an answer unless asked for; a search stays where its
/// accuracy was measured; the OFA accuracy predictor is trained once and saved.
final class TrustSearchTests: XCTestCase {
    /// NB201 with measured latencies except that degenerate cells are priced at 1e-06 ms, as the
    /// old pixel3 default did.
    func nb201WithDegenerateAtZero() throws -> SearchProblem {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        let m = try catalog.measurements(space: "nb201", device: "pixel3")
        let table = try LookupObjective.table(archs: m.archs, values: m.latency, space: space)
        let latency: BatchObjective = { archs throws(NASError) in
            let v = try table(archs)
            return archs.indices.map { space.isDegenerate(archs[$0]) ? 1e-6 : v[$0] }
        }
        return SearchProblem(space: space, latency: latency, accuracy: try AccuracySources.nb201(catalog: catalog, space: space))
    }

    func testDegenerateCellsAreNeitherFastestNorOnTheFrontNorWithinATinyBudget() throws {
        var problem = try nb201WithDegenerateAtZero()
        let space = problem.space
        XCTAssertFalse(problem.includeDegenerate, "excluded by default")
        let pareto = SearchConfig(goal: .pareto, algorithm: .nsga2, generations: 20)
        let r = try ArchitectureSearch.run(problem, config: pareto)
        XCTAssertFalse(r.front.isEmpty)
        XCTAssertFalse(r.front.contains { space.isDegenerate($0.arch) })
        let fastest = try XCTUnwrap(r.fastest)
        XCTAssertFalse(space.isDegenerate(fastest.arch))
        XCTAssertGreaterThan(fastest.latencyMs, 0.001)
        XCTAssertThrowsError(try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: 0.0001), generations: 10))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .infeasibleBudget)
        }

        problem.includeDegenerate = true
        let all = try ArchitectureSearch.run(problem, config: pareto)
        XCTAssertTrue(space.isDegenerate(try XCTUnwrap(all.front.first).arch), "asked for, they are there")
        XCTAssertEqual(try XCTUnwrap(all.fastest).latencyMs, 1e-6)
        XCTAssertNotNil(try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: 0.0001), generations: 10)).best)
    }

    func testDegenerateIsTheNoDataPathNotionAndChainsHaveNone() throws {
        let nb = try SpaceRegistry.space("nb201")
        let cells = nb.enumerateAll()!
        XCTAssertEqual(nb.degenerateIndices(cells).count, 341)
        XCTAssertTrue(cells.allSatisfy { nb.isDegenerate($0) == nb.hasNoDataPath($0) })
        for id in ["fbnet", "ofa_mbv3", "proxyless", "mbv2"] {
            let s = try SpaceRegistry.space(id)
            XCTAssertTrue(s.degenerateIndices(s.sample(count: 200, seed: 3)).isEmpty, id)
        }
    }

    func testOFAAccuracyDataIsAllAtResolution224AndSearchStaysThere() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("ofa_mbv3")
        let data = try catalog.ofaAccuracy()
        let rGene = space.decisionCount - 1
        XCTAssertEqual(space.decisionNames[rGene].first, "r")
        let r224 = UInt8(try XCTUnwrap(space.optionLabels(ofDecision: rGene).firstIndex(of: "224")))
        XCTAssertEqual(data.archs.count, 2223)
        XCTAssertEqual(AccuracySource.constantDecisions(of: data.archs), [rGene: r224])

        // An "accuracy" that prefers low resolutions: unfixed, the search leaves 224.
        let source = AccuracySource(objective: { archs in archs.map { -Double($0.genes[rGene]) } }, label: "test",
                                    measuredDecisions: [rGene: r224])
        let latency: BatchObjective = { archs in archs.map { space.cost(of: $0).macs / 1e8 } }
        let config = SearchConfig(goal: .latencyBudget(ms: 4), generations: 10)
        let fixed = SearchProblem(space: space, latency: latency, accuracy: source)
        let a = try XCTUnwrap(try ArchitectureSearch.run(fixed, config: config).best)
        XCTAssertEqual(a.arch.genes[rGene], r224)
        XCTAssertNil(fixed.extrapolationWarning(for: [a.arch]))

        let free = SearchProblem(space: space, latency: latency, accuracy: source, extrapolate: true)
        let b = try XCTUnwrap(try ArchitectureSearch.run(free, config: config).best)
        XCTAssertNotEqual(b.arch.genes[rGene], r224)
        let warning = try XCTUnwrap(free.extrapolationWarning(for: [a.arch, b.arch]))
        XCTAssertTrue(warning.hasPrefix("1 of 2 reported architectures") && warning.contains("= 224"), warning)
    }

    func testOFAAccuracyPredictorIsSavedReloadedAndRetrainedWhenDamaged() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("ofa_mbv3")
        let dir = NSTemporaryDirectory() + "hwnas-ofa-acc-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var small = MLPTrainingConfig(hidden: [8])
        small.maxEpochs = 2
        let (first, trained) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir, config: small)
        XCTAssertEqual(trained, .trained)
        let path = dir + "/" + OFAAccuracyPredictor.fileName
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        var warnings: [String] = []
        let (second, trainedAgain) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir, config: small,
                                                                          warn: { warnings.append($0) })
        XCTAssertEqual(trainedAgain, .saved, "loaded, not retrained")
        XCTAssertEqual(warnings, [])
        let probe = space.sample(count: 5, seed: 9)
        XCTAssertEqual(try second.predict(probe), try first.predict(probe))
        XCTAssertEqual(second.heldOut, first.heldOut)
        XCTAssertEqual(second.measuredDecisions, first.measuredDecisions)

        // A damaged file is retrained and replaced.
        var bytes = try AtomicFile.read(path)
        bytes[bytes.count / 2] ^= 0xFF
        try AtomicFile.write(bytes, to: path)
        let (_, retrained) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir, config: small,
                                                                  warn: { warnings.append($0) })
        XCTAssertEqual(retrained, .trained)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("checksum"), warnings[0])
        XCTAssertFalse(try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir, config: small).source == .trained)

        // Another recipe's or other data's file is stale.
        let file = try AtomicFile.read(path)
        XCTAssertThrowsError(try OFAAccuracyPredictor.decode(file, path: path, space: space, dataFingerprint: "other", measuredDecisions: [:]))
    }
}
