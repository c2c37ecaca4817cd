import JSONRPC

/// A search space as listed by `initialize`.
public struct SpaceSummary: Codable, Sendable, Equatable {
    /// Wire id, e.g. `nb201`.
    public var id: String
    /// One line for people.
    public var summary: String
    /// Number of decisions.
    public var decisions: Int
    /// Number of distinct architectures.
    public var size: Double
    /// Supported encodings; the first is the default.
    public var encodings: [String]

    /// Makes a summary.
    public init(id: String, summary: String, decisions: Int, size: Double, encodings: [String]) {
        self.id = id
        self.summary = summary
        self.decisions = decisions
        self.size = size
        self.encodings = encodings
    }
}

/// A device as listed by `initialize` and `hwnas/listDevices`.
public struct DeviceSummary: Codable, Sendable, Equatable {
    /// Device name as in the fixtures, e.g. `pixel3`, `2080ti_1`.
    public var name: String
    /// `gpu`, `cpu`, `mobile`, `fpga`, `asic`, ...
    public var kind: String
    /// Batch size of the measurements, when known.
    public var batch: Int?
    /// Spaces with measured latencies on this device.
    public var spaces: [String]
    /// A name for people, e.g. `Google Pixel 3`.
    public var displayName: String?
    /// One line for people: what it is, batch, where the latencies come from, caveats.
    public var description: String?
    /// Where the latencies come from, e.g. `HW-NAS-Bench`.
    public var source: String?
    /// Hardware specs where `hardware/devices.csv` states them: `gpu` (name), `architecture`
    /// and numeric columns (`sm_count`, `memory_gb`, `fp32_gflops`, ...). `hwnas/listDevices` only.
    public var specs: JSONValue?
    /// Number of architectures measured, per space. `hwnas/listDevices` only.
    public var archsMeasured: [String: Int]?

    /// Makes a summary.
    public init(name: String, kind: String, batch: Int? = nil, spaces: [String], displayName: String? = nil,
                description: String? = nil, source: String? = nil, specs: JSONValue? = nil,
                archsMeasured: [String: Int]? = nil) {
        self.name = name
        self.kind = kind
        self.batch = batch
        self.spaces = spaces
        self.displayName = displayName
        self.description = description
        self.source = source
        self.specs = specs
        self.archsMeasured = archsMeasured
    }
}

/// A predictor as listed by `initialize` and `hwnas/listPredictors`.
public struct PredictorSummary: Codable, Sendable, Equatable {
    /// Predictor id.
    public var id: String
    /// Its search space.
    public var space: String
    /// The device it predicts for, when it is device-specific.
    public var device: String?
    /// Model family, e.g. `mlp`, `gbdt`, `lut`.
    public var model: String
    /// Anything else worth showing (metrics, sample count...).
    public var info: JSONValue?

    /// Makes a summary.
    public init(id: String, space: String, device: String? = nil, model: String, info: JSONValue? = nil) {
        self.id = id
        self.space = space
        self.device = device
        self.model = model
        self.info = info
    }
}

/// What `initialize`, `hwnas/listDevices` and `hwnas/listPredictors` list. Each closure is
/// called per request (so lists stay current); the defaults list nothing.
public struct ServerCatalog: Sendable {
    /// The search spaces.
    public var searchSpaces: @Sendable () -> [SpaceSummary]
    /// The devices; with `detailed`, their specs and measurement counts too (slower:
    /// `hwnas/listDevices` asks for them, `initialize` does not).
    public var devices: @Sendable (_ detailed: Bool) -> [DeviceSummary]
    /// A page of the loaded predictors, sorted by id (the request's filters, `after`, `limit`).
    public var predictors: @Sendable (_ query: ListPredictorsRequest) -> ListPredictorsResult
    /// How many predictors are loaded.
    public var predictorCount: @Sendable () -> Int

    /// A catalog from its providers (each defaults to an empty list).
    public init(searchSpaces: @escaping @Sendable () -> [SpaceSummary] = { [] },
                devices: @escaping @Sendable (_ detailed: Bool) -> [DeviceSummary] = { _ in [] },
                predictors: @escaping @Sendable (_ query: ListPredictorsRequest) -> ListPredictorsResult = { _ in ListPredictorsResult(predictors: []) },
                predictorCount: @escaping @Sendable () -> Int = { 0 }) {
        self.searchSpaces = searchSpaces
        self.devices = devices
        self.predictors = predictors
        self.predictorCount = predictorCount
    }
}
