import XCTest
import NASCore
import NASSearch
import NASGenerator

final class GeneratorTrainingTests: XCTestCase {
    /// Three budgets across the range: the answers respect their budgets and accuracy rises with them.
    func testSmallTrainingRespectsBudgetsAndAccuracyRises() throws {
        let g = try NB201Fixture.generator.get()
        let problem = try NB201Fixture.problem.get().0
        let budgets = [try NB201Fixture.latencyQuantile(0.15), try NB201Fixture.latencyQuantile(0.5),
                       try NB201Fixture.latencyQuantile(0.9)]
        for samples in [0, 16] {
            let out = try g.generate(budgets: budgets, samples: samples, problem: problem)
            XCTAssertEqual(out.count, 3)
            for r in out {
                XCTAssertEqual(r.feasible, true, "samples \(samples): \(r.latencyMs ?? .nan) ms > budget \(r.budgetMs)")
                XCTAssertLessThanOrEqual(r.latencyMs!, r.budgetMs)
                XCTAssertFalse(r.clamped)
            }
            XCTAssertLessThan(out[0].accuracy!, out[2].accuracy!, "samples \(samples)")
            XCTAssertLessThanOrEqual(out[0].accuracy!, out[1].accuracy!, "samples \(samples)")
            XCTAssertLessThanOrEqual(out[1].accuracy!, out[2].accuracy!, "samples \(samples)")
        }
        XCTAssertGreaterThan(g.stats.queries, NB201Fixture.config.warmupSamples)
        XCTAssertLessThanOrEqual(g.stats.queries, 15_625)
        XCTAssertGreaterThan(g.stats.frontHypervolume, 0)
        XCTAssertFalse(g.archive.isEmpty)
    }

    /// Same seed, same generator; argmax generation is deterministic and needs no objectives.
    func testTrainingAndArgmaxAreDeterministic() throws {
        let (problem, _) = try NB201Fixture.problem.get()
        var c = NB201Fixture.config
        c.iterations = 5
        let a = try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: c)
        let b = try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: c)
        XCTAssertEqual(a.network, b.network)
        XCTAssertEqual(a.archive, b.archive)
        let g = try NB201Fixture.generator.get()
        let budgets = (0..<10).map { g.scale.milliseconds(at: Double($0) / 9) }
        let first = try g.generate(budgets: budgets)
        XCTAssertEqual(first, try g.generate(budgets: budgets))
        XCTAssertTrue(first.allSatisfy { $0.latencyMs == nil && $0.source == "argmax" && !$0.clamped })
        let sampled = try g.generate(budgets: budgets, samples: 4, problem: problem, seed: 3)
        XCTAssertEqual(sampled, try g.generate(budgets: budgets, samples: 4, problem: problem, seed: 3))
    }

    /// Budgets outside the trained range are clamped to its ends and flagged.
    func testOutOfRangeBudgetIsClampedAndFlagged() throws {
        let g = try NB201Fixture.generator.get()
        let out = try g.generate(budgets: [g.scale.lowerMs / 10, g.scale.lowerMs, g.scale.upperMs, g.scale.upperMs * 10])
        XCTAssertEqual(out.map(\.clamped), [true, false, false, true])
        XCTAssertEqual(out[0].arch, out[1].arch)
        XCTAssertEqual(out[2].arch, out[3].arch)
    }

    func testInvalidRequestsAreRejected() throws {
        let g = try NB201Fixture.generator.get()
        XCTAssertThrowsError(try g.generate(budgets: [1, -2])) { error in
            XCTAssertEqual((error as? NASError)?.kind, .invalidParams)
            XCTAssertEqual((error as? NASError)?.field, "budgets[1]")
        }
        XCTAssertThrowsError(try g.generate(budgets: [1], samples: 3)) { error in
            XCTAssertEqual((error as? NASError)?.kind, .invalidParams)
        }
        var c = GeneratorConfig()
        c.samplesPerBudget = 1
        XCTAssertThrowsError(try GeneratorTrainer.train(problem: try NB201Fixture.problem.get().0, budgets: .automatic, config: c)) { error in
            XCTAssertEqual((error as? NASError)?.field, "samplesPerBudget")
        }
    }

    /// Progress arrives every iteration with the documented values; cancellation throws.
    func testProgressAndCancellation() throws {
        let (problem, _) = try NB201Fixture.problem.get()
        var c = NB201Fixture.config
        c.iterations = 6
        c.hypervolumeEvery = 2
        let reports = Mutex<[ProgressReport]>([])
        let control = JobControl { r in reports.withLock { $0.append(r) } }
        _ = try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: c, control: control)
        let got = reports.withLock { $0 }
        XCTAssertEqual(got.map(\.step), Array(1...6))
        for key in ["iteration", "meanReward", "frontHypervolume", "queries", "feasibleFraction"] {
            XCTAssertNotNil(got.last?.values[key], key)
        }

        let cancelling = JobControl { r in if r.step == 2 { reports.withLock { _ in } } }
        cancelling.cancel()
        XCTAssertThrowsError(try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: c, control: cancelling)) { error in
            XCTAssertEqual((error as? NASError)?.kind, .cancelled)
        }
    }
}

import Synchronization
