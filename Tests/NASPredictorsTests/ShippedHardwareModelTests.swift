import Foundation
import NASCore
import NASData
import Synchronization
import XCTest
@testable import NASPredictors

/// The hardware-generalized defaults shipped in `fixtures/pretrained/`: they must be the shipped
/// fixtures' (a fixture or recipe change forces regeneration), reach the metrics their
/// provenance records, and never be used on other fixtures (the store trains instead).
final class ShippedHardwareModelTests: XCTestCase {
    private var regenerate: String { "fixtures or a recipe changed: regenerate the shipped models with `\(ShippedModels.regenerateCommand)`" }

    /// `provenance.json`'s models of a kind.
    static func provenanceModels(_ catalog: DataCatalog, kind: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: catalog.shippedModelsDirectory + "/" + ShippedModels.provenanceFile))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let models = try XCTUnwrap(root["models"] as? [[String: Any]])
        return models.filter { $0["kind"] as? String == kind }
    }

    func testShippedModelsAreTheShippedFixturesAndReachTheirRecordedMetrics() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        let models = try Self.provenanceModels(catalog, kind: "mlp-hw")
        XCTAssertEqual(Set(models.compactMap { $0["space"] as? String }), ["nb201", "fbnet", "ofa_mbv3"])
        for model in models {
            let space = try XCTUnwrap(model["space"] as? String), id = try XCTUnwrap(model["id"] as? String)
            let files = try XCTUnwrap(model["fixtureFiles"] as? [String: String])
            XCTAssertEqual(Set(files.keys), Set(try trainer.fixtureFiles(space: space)), regenerate)
            for (file, digest) in files { XCTAssertEqual(try catalog.fileDigest([file]), digest, "\(file): \(regenerate)") }
            XCTAssertEqual(model["fixtureDigest"] as? String, try trainer.fixtureDigest(space: space), regenerate)
            let (shipped, reason) = trainer.shippedDefault(space: space, id: id)
            let p = try XCTUnwrap(shipped, "\(reason); \(regenerate)")
            XCTAssertEqual(p.notes[HardwareGeneralizedTrainer.fixtureDigestKey], model["fixtureDigest"] as? String)
            XCTAssertNotNil(p.notes[ErrorProfile.notesKey], "the shipped file carries the trained model's error profile")
            // A cheap check of the held-out metrics: the first 100 held-out rows of each GPU.
            let check = try XCTUnwrap(model["check"] as? [String: Any])
            let m = try trainer.heldOutMetrics(of: p, space: space, limit: 100).map(\.metrics)
            let rmse = m.map(\.rmse).reduce(0, +) / Double(m.count), srcc = m.map(\.spearman).reduce(0, +) / Double(m.count)
            XCTAssertEqual(rmse, try XCTUnwrap(check["meanRMSEms"] as? Double), accuracy: 1e-6, space)
            XCTAssertEqual(srcc, try XCTUnwrap(check["meanSRCC"] as? Double), accuracy: 1e-6, space)
        }
    }

    func testAShippedModelIsUsedOnlyOnTheFixturesItWasFittedOn() throws {
        let fixtures = try SmallFixtures.nb201(devices: ["1080ti_32", "2080ti_32"], rows: 40)
        defer { try? FileManager.default.removeItem(atPath: fixtures) }
        let catalog = DataCatalog(fixturesDirectory: fixtures)
        XCTAssertEqual(try HardwareGeneralizedTrainer(catalog: catalog).gpuDevices(space: "nb201").map(\.name).sorted(), ["1080ti_32", "2080ti_32"])
        let state = NSTemporaryDirectory() + "hwnas-shipped-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let messages = Mutex<[String]>([])
        func store(_ name: String) throws -> PredictorStore {
            try SmallFixtures.store(state + "/" + name, fixtures: fixtures) { m in messages.withLock { $0.append(m) } }
        }
        // Nothing shipped: trained, and saved.
        let (trained, first) = try store("a").defaultHardwarePredictorAndSource(space: "nb201")
        XCTAssertEqual(first, .trained)
        XCTAssertTrue(messages.withLock { $0.last ?? "" }.contains("no usable shipped model"), messages.withLock { $0.joined() })
        XCTAssertEqual(try store("a").defaultHardwarePredictorAndSource(space: "nb201").source, .saved)

        // Shipped beside these fixtures, fitted on them: loaded, the same model.
        try FileManager.default.createDirectory(atPath: catalog.shippedModelsDirectory, withIntermediateDirectories: true)
        try AtomicFile.write(PredictorFile.encode(trained), to: HardwareGeneralizedTrainer(catalog: catalog).shippedPath(id: trained.id))
        let (shipped, second) = try store("b").defaultHardwarePredictorAndSource(space: "nb201")
        XCTAssertEqual(second, .shipped)
        let spec = try HardwareGeneralizedTrainer(catalog: catalog).spec(forDevice: "1080ti_32")
        let probe = try catalog.measurements(space: "nb201", device: "1080ti_32").archs
        XCTAssertEqual(try shipped.predict(archs: probe, spec: spec), try trained.predict(archs: probe, spec: spec))

        // The fixtures change by one measurement: neither the shipped nor the saved model is theirs.
        try SmallFixtures.editLastMeasurement(fixtures)
        messages.withLock { $0 = [] }
        XCTAssertEqual(try store("b").defaultHardwarePredictorAndSource(space: "nb201").source, .trained)
        XCTAssertTrue(messages.withLock { $0.last ?? "" }.contains("was fitted on other fixtures"), messages.withLock { $0.joined() })
    }
}
