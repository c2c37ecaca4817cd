import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// Predictor files, the store, and error paths.
final class PredictorPersistenceTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "hwnas-predictors-\(UInt32.random(in: 0..<UInt32.max))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func makeCatalog() throws -> DataCatalog {
        DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    }

    /// A small residual predictor (LUT + MLP) on synthetic data, so every coder path runs.
    func syntheticPredictor() throws -> TrainedPredictor {
        let space = try SpaceRegistry.space("nb201")
        let archs = space.sample(count: 200, seed: 1)
        let y = archs.map { 1 + Double($0.genes.reduce(0) { $0 + Int($1) }) * 0.2 }
        let cfg = MLPTrainingConfig(hidden: [16], maxEpochs: 5, seed: 1)
        let fit = try PredictorTrainer.fit(kind: .residual, archs: archs, latency: y, space: space, config: cfg, control: .none)
        let model = LatencyModel.corrected(.calibrated(fit.model, AffineLogMap(offset: 0.1, scale: 1.1)),
                                           LUTModel(bias: 0.01, costs: (0..<30).map { Double($0) * 1e-3 }))
        return TrainedPredictor(id: "synthetic-test", spaceID: "nb201", device: "synthetic",
                                model: model, metrics: PredictorMetrics(heldOut: RegressionMetrics(predicted: y, actual: y),
                                                                        lutBaseline: nil, trainCount: 200, testCount: 0, variant: "lut+mlp"),
                                notes: ["k": "v"])
    }

    /// A fit on a few samples is listed with its cross-validated metrics (it has no held-out
    /// data), from the index as from the file.
    func testAFewSampleFitIsListedWithItsCrossValidatedMetrics() throws {
        let store = try PredictorStore(directory: directory, catalog: try makeCatalog())
        var p = try syntheticPredictor()
        p.metrics.heldOut = nil
        let y = [1.0, 2, 3, 4, 5, 6], predicted = [1.1, 1.9, 3.2, 3.9, 5.3, 5.8]
        p.metrics.crossValidated = RegressionMetrics(predicted: predicted, actual: y)
        try store.register(p, persist: true)
        let fresh = try PredictorStore(directory: directory, catalog: try makeCatalog())
        XCTAssertEqual(fresh.loadAll(), [])
        let listed = try XCTUnwrap(fresh.list().first)
        XCTAssertNil(listed.heldOut)
        XCTAssertEqual(listed.crossValidated?.count, 6)
        XCTAssertEqual(listed.crossValidated?.spearman ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(listed, StoredPredictorSummary(p), "listed from the index, as saved")
    }

    func testSaveLoadGivesIdenticalPredictions() throws {
        let store = try PredictorStore(directory: directory, catalog: try makeCatalog())
        let p = try syntheticPredictor()
        try store.register(p, persist: true)
        let fresh = try PredictorStore(directory: directory, catalog: try makeCatalog())
        XCTAssertEqual(fresh.loadAll(), [])
        XCTAssertEqual(fresh.list(), [StoredPredictorSummary(p)], "listed from the index, as saved")
        let q = try fresh.predictor("synthetic-test")
        XCTAssertEqual(q, p)
        let archs = try SpaceRegistry.space("nb201").sample(count: 50, seed: 2)
        XCTAssertEqual(try q.predict(archs: archs), try p.predict(archs: archs))
        try fresh.delete(id: "synthetic-test")
        XCTAssertThrowsError(try fresh.predictor("synthetic-test"))
    }

    func testABareFileNameLoadsFromTheWorkingDirectoryElseTheStateDirectory() throws {
        // `load {path: "lut-pixel3.hwnp"}` (the example of `hwnas help load`) used to read
        // `<state>/predictors/lut-pixel3.hwnp.hwnp`, whatever the working directory held.
        let store = try PredictorStore(directory: directory, catalog: try makeCatalog())
        try store.register(try syntheticPredictor(), persist: true)
        XCTAssertEqual(try store.load(path: "synthetic-test.hwnp").id, "synthetic-test", "the state directory's file")
        XCTAssertEqual(try store.load(path: "synthetic-test").id, "synthetic-test", "an id, as before")
        let here = directory + "-cwd"
        try AtomicFile.createDirectory(here)
        var other = try syntheticPredictor()
        other.id = "from-another-machine"
        try AtomicFile.write(PredictorFile.encode(other), to: here + "/copied.hwnp")
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(here))
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(atPath: here)
        }
        XCTAssertEqual(try store.load(path: "copied.hwnp").id, "from-another-machine", "the working directory's file")
        XCTAssertThrowsError(try store.load(path: "absent.hwnp")) { error in
            XCTAssertEqual((error as? NASError)?.kind, .storage)
            XCTAssertTrue("\(error)".contains("absent.hwnp") && !"\(error)".contains(".hwnp.hwnp"), "\(error)")
        }
    }

    func testVersion2KeepsCrossValidatedMetricsOutliersAndWarnings() throws {
        var p = try syntheticPredictor()
        p.metrics.crossValidated = RegressionMetrics(predicted: [1, 2, 3, 4], actual: [1.1, 1.9, 3.3, 3.8])
        p.metrics.outliers = [SampleOutlier(index: 7, arch: Architecture(genes: [0, 1, 2, 3, 4, 0]), measured: 0.002, predicted: 3.5)]
        p.metrics.warnings = ["auto fell back to the affine map"]
        let q = try PredictorFile.decode(PredictorFile.encode(p))
        XCTAssertEqual(q, p)
        XCTAssertEqual(q.metrics.outliers.first?.index, 7)
    }

    func testCorruptTruncatedAndForeignFilesAreCorruptFileErrors() throws {
        let bytes = PredictorFile.encode(try syntheticPredictor())
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        let cases: [(String, [UInt8])] = [
            ("flipped", flipped), ("truncated", Array(bytes.prefix(bytes.count - 9))),
            ("foreign", Array("{\"hello\": 1}".utf8)), ("empty", []),
        ]
        for (name, data) in cases {
            XCTAssertThrowsError(try PredictorFile.decode(data, path: name), name) { error in
                XCTAssertEqual((error as? NASError)?.kind, .corruptFile, name)
            }
        }
        // A store reports bad files and keeps the good ones.
        try AtomicFile.write(flipped, to: directory + "/bad.hwnp")
        try AtomicFile.write(bytes, to: directory + "/good.hwnp")
        let store = try PredictorStore(directory: directory, catalog: try makeCatalog())
        XCTAssertEqual(store.loadAll().map(\.kind), [.corruptFile])
        XCTAssertEqual(store.list().map(\.id), ["synthetic-test"])
        XCTAssertThrowsError(try store.load(path: directory + "/bad.hwnp")) { error in
            XCTAssertEqual((error as? NASError)?.kind, .corruptFile)
        }
    }

    func testASavedDefaultIsUsedOnlyWhenItsRecipeIsCurrent() throws {
        var current = try syntheticPredictor()
        current.id = PredictorStore.defaultID(space: "nb201", device: "pixel3")
        current.notes["recipe"] = PredictorTrainer.recipe
        current.notes[TrainedPredictor.fixtureDigestKey] = try PredictorTrainer(catalog: makeCatalog()).fixtureDigest(space: "nb201", device: "pixel3")
        var stale = current
        stale.id = PredictorStore.defaultID(space: "nb201", device: "gold_6226")  // a device with no shipped default
        stale.notes["recipe"] = nil  // saved before recipes were recorded
        let store = try PredictorStore(directory: directory, catalog: try makeCatalog())
        try store.register(current, persist: true)
        try store.register(stale, persist: true)
        let fresh = try PredictorStore(directory: directory, catalog: try makeCatalog())
        XCTAssertEqual(fresh.loadAll(), [])
        XCTAssertEqual(try fresh.defaultPredictor(space: "nb201", device: "pixel3"), current)
        // The stale one is retrained: with a cancelled job that shows as cancellation, not as the old file.
        let cancelled = JobControl()
        cancelled.cancel()
        XCTAssertThrowsError(try fresh.defaultPredictor(space: "nb201", device: "gold_6226", control: cancelled)) { error in
            XCTAssertEqual((error as? NASError)?.kind, .cancelled)
        }
        XCTAssertEqual(try fresh.predictor(stale.id), stale)  // still loaded until a retrain replaces it
    }

    func testASavedDefaultOfOtherFixturesIsRetrainedAndItsFileReplaced() throws {
        let fixtures = try SmallFixtures.nb201(devices: ["pixel3"], rows: 300)
        defer { try? FileManager.default.removeItem(atPath: fixtures) }
        func store() throws -> PredictorStore {
            let s = try PredictorStore(directory: directory, catalog: DataCatalog(fixturesDirectory: fixtures))
            XCTAssertEqual(s.loadAll(), [])
            return s
        }
        let id = PredictorStore.defaultID(space: "nb201", device: "pixel3")
        let first = try store().defaultPredictor(space: "nb201", device: "pixel3")
        let digest = try PredictorTrainer(catalog: DataCatalog(fixturesDirectory: fixtures)).fixtureDigest(space: "nb201", device: "pixel3")
        XCTAssertEqual(first.notes[TrainedPredictor.fixtureDigestKey], digest)
        XCTAssertEqual(try store().defaultPredictor(space: "nb201", device: "pixel3"), first, "saved, and used on the same fixtures")

        // One measurement of the table corrected: the saved default is not of these fixtures.
        try SmallFixtures.editLastMeasurement(fixtures)
        let newDigest = try PredictorTrainer(catalog: DataCatalog(fixturesDirectory: fixtures)).fixtureDigest(space: "nb201", device: "pixel3")
        XCTAssertNotEqual(newDigest, digest)
        let second = try store().defaultPredictor(space: "nb201", device: "pixel3")
        XCTAssertEqual(second.notes[TrainedPredictor.fixtureDigestKey], newDigest, "retrained on the served fixtures")
        let onDisk = try PredictorFile.read(directory + "/" + id + "." + PredictorFile.fileExtension, maxBytes: BinaryEnvelope.defaultMaxBytes)
        XCTAssertEqual(onDisk, second, "the file is replaced")
        XCTAssertEqual(try store().defaultPredictor(space: "nb201", device: "pixel3"), second)

        // A file of this recipe without a digest (or with another's) is retrained too.
        var undigested = second
        undigested.notes[TrainedPredictor.fixtureDigestKey] = nil
        try AtomicFile.write(PredictorFile.encode(undigested), to: directory + "/" + id + "." + PredictorFile.fileExtension)
        XCTAssertEqual(try store().defaultPredictor(space: "nb201", device: "pixel3").notes[TrainedPredictor.fixtureDigestKey], newDigest)
    }

    func testUnknownDeviceAndIncompleteSpecAreClearErrors() throws {
        let catalog = try makeCatalog()
        let store = try PredictorStore(directory: nil, catalog: catalog)
        XCTAssertThrowsError(try store.defaultPredictor(space: "nb201", device: "no_such_gpu")) { error in
            XCTAssertEqual((error as? NASError)?.kind, .unknownDevice)
        }
        XCTAssertThrowsError(try DeviceSpecVector.logFeatures(["sm_count": 68, "cuda_cores": 4352])) { error in
            let e = error as? NASError
            XCTAssertEqual(e?.kind, .invalidParams)
            XCTAssertTrue(e?.message.contains("memory_bandwidth_gb_s") ?? false, e?.message ?? "")
        }
        let hw = HardwareGeneralizedTrainer(catalog: catalog)
        XCTAssertThrowsError(try hw.spec(forDevice: "pixel3")) { error in
            XCTAssertEqual((error as? NASError)?.kind, .invalidParams)
        }
        XCTAssertEqual(try hw.spec(forDevice: "2080ti_32")["batch"], 32)
        XCTAssertThrowsError(try PredictorTrainer(catalog: catalog).train(TrainRequest(space: "nb201", device: "nope")))
    }
}
