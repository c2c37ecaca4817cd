import Foundation
import NASCore
import NASData
import Synchronization
import XCTest
@testable import NASPredictors

/// The fixture default predictors shipped in `fixtures/pretrained/` (those whose training runs
/// longest): each must be of this build's recipe and fitted on the shipped fixtures (a change of
/// either forces regeneration), load without training, and never be used on other fixtures.
final class ShippedDefaultPredictorTests: XCTestCase {
    private var regenerate: String { "fixtures or the training recipe changed: regenerate with `\(ShippedModels.regenerateCommand)`" }

    func testEveryShippedDefaultIsCurrentAndMatchesItsProvenance() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let trainer = PredictorTrainer(catalog: catalog)
        let models = try ShippedHardwareModelTests.provenanceModels(catalog, kind: "default")
        XCTAssertGreaterThanOrEqual(models.count, 9, "the slowest first calls ship trained (firstcalls-race.md)")
        for model in models {
            let space = try XCTUnwrap(model["space"] as? String), device = try XCTUnwrap(model["device"] as? String)
            let id = PredictorStore.defaultID(space: space, device: device)
            XCTAssertEqual(model["id"] as? String, id)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(model["epochs"] as? Int), PredictorTrainer.shippedDefaultMinimumEpochs)
            let (shipped, reason) = trainer.shippedDefault(space: space, device: device, id: id)
            let p = try XCTUnwrap(shipped, "\(id): \(reason ?? ""); \(regenerate)")
            XCTAssertEqual(p.notes[TrainedPredictor.fixtureDigestKey], model["fixtureDigest"] as? String, regenerate)
            XCTAssertEqual(p.metrics.variant, model["variant"] as? String)
            let heldOut = try XCTUnwrap(model["heldOut"] as? [String: Any])
            XCTAssertEqual(p.metrics.heldOut?.spearman ?? .nan, try XCTUnwrap(heldOut["srcc"] as? Double), accuracy: 1e-12, id)
            XCTAssertNotNil(p.notes[ErrorProfile.notesKey], "\(id) carries its held-out error profile (intervals, confidence)")
        }
    }

    func testAShippedDefaultLoadsWithoutTrainingAndOnlyOnItsFixtures() throws {
        let fixtures = try SmallFixtures.nb201(devices: ["1080ti_32", "2080ti_32"], rows: 80)
        defer { try? FileManager.default.removeItem(atPath: fixtures) }
        let catalog = DataCatalog(fixturesDirectory: fixtures)
        let state = NSTemporaryDirectory() + "hwnas-shipped-default-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let messages = Mutex<[String]>([])
        func store(_ name: String) throws -> PredictorStore {
            try SmallFixtures.store(state + "/" + name, fixtures: fixtures) { m in messages.withLock { $0.append(m) } }
        }
        // Nothing shipped: trained, and nothing said about a shipped file.
        let (trained, first) = try store("a").defaultPredictorAndSource(space: "nb201", device: "1080ti_32")
        XCTAssertEqual(first, .trained)
        XCTAssertEqual(messages.withLock { $0 }, [])

        // Shipped beside these fixtures and fitted on them: loaded as it is, then saved in the state.
        try FileManager.default.createDirectory(atPath: catalog.shippedModelsDirectory, withIntermediateDirectories: true)
        try AtomicFile.write(PredictorFile.encode(trained), to: PredictorTrainer(catalog: catalog).shippedDefaultPath(id: trained.id))
        let (shipped, second) = try store("b").defaultPredictorAndSource(space: "nb201", device: "1080ti_32")
        XCTAssertEqual(second, .shipped)
        let probe = try catalog.measurements(space: "nb201", device: "1080ti_32").archs
        XCTAssertEqual(try shipped.predict(archs: probe), try trained.predict(archs: probe))
        XCTAssertEqual(try store("b").defaultPredictorAndSource(space: "nb201", device: "1080ti_32").source, .saved)
        // Another device of the same table has no shipped file: trained.
        XCTAssertEqual(try store("b").defaultPredictorAndSource(space: "nb201", device: "2080ti_32").source, .trained)

        // The fixtures change by one measurement: the shipped file is not theirs, and the store says why.
        try SmallFixtures.editLastMeasurement(fixtures)
        messages.withLock { $0 = [] }
        XCTAssertEqual(try store("c").defaultPredictorAndSource(space: "nb201", device: "1080ti_32").source, .trained)
        XCTAssertTrue(messages.withLock { $0.last ?? "" }.contains("was fitted on other fixtures"), messages.withLock { $0.joined() })
    }
}
