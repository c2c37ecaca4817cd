import NASCore

/// What hwnasd knows about a space beyond its encoding, one per `SpaceRegistry` entry: the
/// fixture tables measured in it, how predictors are trained on it by default, and which
/// accuracy sources it has. Code elsewhere asks the profile (`SpaceRegistry.profile(id)`)
/// instead of switching on space ids.
///
/// How a space's architectures become networks (`export`) is not here: NASExport sits above
/// NASSpaces, so each space's `NetworkBuilder` is `Sources/NASExport/<Space>Network.swift`,
/// listed in `NetworkExporter.builders` and found by the space's id.
public struct SpaceProfile: Sendable {
    /// A latency table shipped in `fixtures/<name>/latency.csv`.
    public struct FixtureTable: Sendable, Equatable {
        /// Directory name under `fixtures/`, e.g. `nb201_oneproxy`.
        public var name: String
        /// The column holding the architecture in the space's string format.
        public var archColumn: String
        /// The column holding the architecture's id in the table's source.
        public var idColumn: String

        /// A table layout.
        public init(name: String, archColumn: String, idColumn: String) {
            self.name = name
            self.archColumn = archColumn
            self.idColumn = idColumn
        }
    }

    /// The latency tables measured in this space, in the order they are listed.
    public var fixtureTables: [FixtureTable]
    /// Training-set size of a default predictor (the literature's split of the fixtures).
    public var defaultTrainSize: Int
    /// Accuracy sources only this space has (beside `inline`, `macs` and `params`, which every
    /// space has), e.g. NB201's measured accuracies.
    public var accuracySources: [String]
    /// The accuracy source (the objective maximized besides latency) of a request naming none.
    public var defaultAccuracySource: String

    /// A profile.
    public init(fixtureTables: [FixtureTable] = [], defaultTrainSize: Int = 900, accuracySources: [String] = [],
                defaultAccuracySource: String = "max-macs") {
        self.fixtureTables = fixtureTables
        self.defaultTrainSize = defaultTrainSize
        self.accuracySources = accuracySources
        self.defaultAccuracySource = defaultAccuracySource
    }
}
