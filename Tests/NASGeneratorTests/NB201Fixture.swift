import NASCore
import NASData
import NASSearch
import NASSpaces
import NASGenerator

/// The real NB201 problem of the tests (measured gold_6226 latency lookup, CIFAR-10 test
/// accuracy), and one small generator trained on it once for all tests.
enum NB201Fixture {
    static let device = "gold_6226"

    static let problem: Result<(SearchProblem, [Double]), NASError> = Result { () throws(NASError) in
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        let table = try catalog.latencyTable("nb201")
        let column = try table.column(device)
        var byIndex = [Double](repeating: .nan, count: NB201Space.count)
        for (r, id) in table.archIDs.enumerated() where id >= 0 && id < byIndex.count { byIndex[id] = column[r] }
        let accuracy = try AccuracySources.nb201(dataset: "cifar10", catalog: catalog, space: space)
        let problem = SearchProblem(space: space, latency: LookupObjective.officialIndex(byIndex, space: space),
                                    accuracy: accuracy.objective, accuracyLabel: accuracy.label)
        return (problem, byIndex.filter { $0.isFinite }.sorted())
    }

    /// The latency at quantile q of the whole space.
    static func latencyQuantile(_ q: Double) throws -> Double {
        let sorted = try problem.get().1
        return sorted[Int(q * Double(sorted.count - 1))]
    }

    static var config: GeneratorConfig {
        var c = GeneratorConfig()
        c.iterations = 80
        c.budgetsPerStep = 8
        c.samplesPerBudget = 8
        c.warmupSamples = 128
        c.seed = 7
        return c
    }

    static let generator: Result<TrainedGenerator, NASError> = Result { () throws(NASError) in
        let (problem, sorted) = try NB201Fixture.problem.get()
        let range = sorted[Int(0.05 * Double(sorted.count))]...sorted[Int(0.95 * Double(sorted.count))]
        return try GeneratorTrainer.train(problem: problem, budgets: .range(range), config: config,
                                          metadata: ["device": device])
    }
}
