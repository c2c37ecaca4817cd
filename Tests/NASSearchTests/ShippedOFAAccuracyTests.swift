import Foundation
import NASCore
import NASData
import NASNeural
import NASSpaces
import XCTest
@testable import NASSearch

/// The OFA accuracy predictor shipped in `fixtures/pretrained/`: fitted on the shipped
/// measurements (a change forces regeneration), reaching the held-out metrics its provenance
/// records, loaded by a fresh state directory and saved there, and never used on other data.
final class ShippedOFAAccuracyTests: XCTestCase {
    private var regenerate: String { "fixtures or the recipe changed: regenerate the shipped models with `\(ShippedModels.regenerateCommand)`" }

    func testShippedPredictorIsTheShippedMeasurementsAndReachesItsRecordedMetrics() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("ofa_mbv3")
        let data = try Data(contentsOf: URL(fileURLWithPath: catalog.shippedModelsDirectory + "/" + ShippedModels.provenanceFile))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try XCTUnwrap((root["models"] as? [[String: Any]])?.first { $0["kind"] as? String == "ofa-accuracy" })
        let files = try XCTUnwrap(model["fixtureFiles"] as? [String: String])
        XCTAssertEqual(files, [DataCatalog.ofaAccuracyFile: try catalog.fileDigest([DataCatalog.ofaAccuracyFile])], regenerate)
        let measured = try catalog.ofaAccuracy()
        let fingerprint = OFAAccuracyPredictor.dataFingerprint(archs: measured.archs, top1: measured.top1)
        XCTAssertEqual(model["fixtureDigest"] as? String, fingerprint, regenerate)
        let path = catalog.shippedModelsDirectory + "/" + OFAAccuracyPredictor.fileName
        let p = try OFAAccuracyPredictor.decode(try AtomicFile.read(path), path: path, space: space, dataFingerprint: fingerprint,
                                                measuredDecisions: [:])
        // Its predictions on the held-out measurements reach the metrics recorded at generation.
        let test = OFAAccuracyPredictor.split(count: measured.archs.count).test
        let metrics = RegressionMetrics(predicted: try p.predict(test.map { measured.archs[$0] }), actual: test.map { measured.top1[$0] })
        let heldOut = try XCTUnwrap(model["heldOut"] as? [String: Any])
        XCTAssertEqual(metrics.rmse, try XCTUnwrap(heldOut["rmse"] as? Double), accuracy: 1e-6)
        XCTAssertEqual(metrics.spearman, try XCTUnwrap(heldOut["srcc"] as? Double), accuracy: 1e-6)
        XCTAssertEqual(p.heldOut.rmse, try XCTUnwrap(heldOut["rmse"] as? Double), accuracy: 1e-12, "the metrics the file records")

        // A fresh state directory loads it (no training: the small config is never used) and saves it.
        let state = NSTemporaryDirectory() + "hwnas-ofa-shipped-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        var small = MLPTrainingConfig(hidden: [8])
        small.maxEpochs = 2
        let (loaded, source) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: state,
                                                                    shippedDirectory: catalog.shippedModelsDirectory, config: small)
        XCTAssertEqual(source, .shipped)
        XCTAssertEqual(loaded.regressor.network.layerSizes, p.regressor.network.layerSizes)
        XCTAssertEqual(try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: state,
                                                            shippedDirectory: catalog.shippedModelsDirectory, config: small).source, .saved)
    }

    func testShippedPredictorIsNotUsedOnOtherMeasurements() throws {
        let real = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let fixtures = NSTemporaryDirectory() + "hwnas-ofa-fixtures-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: fixtures) }
        try FileManager.default.createDirectory(atPath: fixtures + "/ofa_mbv3", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fixtures + "/" + ShippedModels.folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: real.shippedModelsDirectory + "/" + OFAAccuracyPredictor.fileName,
                                         toPath: fixtures + "/" + ShippedModels.folder + "/" + OFAAccuracyPredictor.fileName)
        // The same measurements but one: its top-1 value moved by 0.5 points.
        let csv = try CSVTable(path: real.directory + "/" + DataCatalog.ofaAccuracyFile)
        let top1 = try csv.columnIndex("top1_acc_pct_mean")
        var rows = csv.rows
        rows[7][top1] = String((Double(rows[7][top1]) ?? 0) + 0.5)
        let text = ([csv.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try text.write(toFile: fixtures + "/" + DataCatalog.ofaAccuracyFile, atomically: true, encoding: .utf8)
        let catalog = DataCatalog(fixturesDirectory: fixtures)
        var small = MLPTrainingConfig(hidden: [8])
        small.maxEpochs = 2
        var messages: [String] = []
        let (p, source) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: try SpaceRegistry.space("ofa_mbv3"), directory: nil,
                                                               shippedDirectory: catalog.shippedModelsDirectory, config: small,
                                                               info: { messages.append($0) })
        XCTAssertEqual(source, .trained)
        XCTAssertEqual(p.regressor.network.layerSizes.dropFirst().first, 8, "the small network, trained now")
        XCTAssertTrue(messages.contains { $0.contains("fitted on other measurements") }, messages.joined(separator: "; "))
    }
}
