import Foundation
import HWNASServer
import NASCore
import NASGenerator
import XCTest

/// A device's saved default generator is reused only while the device's default predictor is the
/// one it was trained on: a default retrained since (other fixtures, a new recipe) makes it stale.
final class DefaultGeneratorFreshnessTests: XCTestCase {
    func testADefaultGeneratorOfAnotherDefaultPredictorIsRetrained() throws {
        let state = NSTemporaryDirectory() + "hwnas-defgen-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        func services() throws -> DomainServices {
            try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        }
        let id = "default-gen-nb201-gold_6226"
        let first = try services()
        let (gotID, g) = try first.generator(id: nil, space: "nb201", device: "gold_6226", control: JobControl())
        XCTAssertEqual(gotID, id)
        let fit = try XCTUnwrap(first.predictors.defaultPredictor(space: "nb201", device: "gold_6226", control: JobControl()).fitFingerprint)
        XCTAssertEqual(g.metadata[DomainServices.latencyFitKey], fit, "the generator names the predictor fit it was trained on")
        XCTAssertTrue(fit.contains("recipe"), fit)

        // The same default predictor: the saved generator serves a new daemon as it is.
        let again = try services().generator(id: nil, space: "nb201", device: "gold_6226", control: JobControl()).1
        XCTAssertEqual(again.stats.queries, g.stats.queries)
        XCTAssertEqual(again.metadata, g.metadata)

        // A generator saved beside an older default predictor (as every one before this check).
        var stale = g.metadata
        stale[DomainServices.latencyFitKey] = nil
        let old = TrainedGenerator(space: g.space, network: g.network, scale: g.scale, archive: Array(g.archive.prefix(1)),
                                   accuracyLabel: g.accuracyLabel, metadata: stale, stats: g.stats)
        let path = state + "/generators/" + id + "." + GeneratorStore.fileExtension
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
        try GeneratorFile.save(old, to: path)
        let later = try services()
        let retrained = try later.generator(id: nil, space: "nb201", device: "gold_6226", control: JobControl()).1
        XCTAssertEqual(retrained.metadata[DomainServices.latencyFitKey], fit, "retrained on today's default")
        XCTAssertEqual(retrained.archive.count, g.archive.count)
        XCTAssertEqual(try GeneratorFile.load(path).metadata[DomainServices.latencyFitKey], fit, "and its file replaced")
    }
}
