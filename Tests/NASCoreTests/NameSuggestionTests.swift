import NASCore
import Synchronization
import XCTest

final class NameSuggestionTests: XCTestCase {
    func testSameSpellingCaseAndPunctuationInsensitiveWinsAlone() {
        let devices = ["pixel2", "pixel3", "rice_pixel3", "raspi4"]
        XCTAssertEqual(NameSuggestion.suggestions(for: "Pixel3", among: devices.map { ($0, []) }), ["pixel3"])
        XCTAssertEqual(NameSuggestion.suggestions(for: "pixel-3", among: devices.map { ($0, []) }), ["pixel3"])
    }

    func testAliasesAndPrefixes() {
        let spaces: [(name: String, aliases: [String])] = [("nb201", ["NAS-Bench-201 cell"]), ("fbnet", ["FBNet"])]
        XCTAssertEqual(NameSuggestion.didYouMean("nasbench201", among: spaces), "; did you mean 'nb201'?")
        XCTAssertEqual(NameSuggestion.suggestions(for: "fbne", among: spaces), ["fbnet"])
    }

    func testTyposWithinAThirdOfTheLengthAndNothingFarAway() {
        XCTAssertEqual(NameSuggestion.suggestions(for: "samsung_a05", among: [("samsung_a50", []), ("pixel2", [])]), ["samsung_a50"])
        XCTAssertEqual(NameSuggestion.didYouMean("zzzz", among: ["pixel3", "raspi4"]), "")
        XCTAssertEqual(NameSuggestion.editDistance("kitten", "sitting"), 3)
    }

    func testANameWithACarriageReturnSaysSo() {
        // The last column of a CRLF header: "did you mean 'titanx_64'?" alone read as nonsense.
        XCTAssertEqual(NameSuggestion.didYouMean("titanx_64\r", among: ["titanx_32", "titanx_64"]),
                       "; did you mean 'titanx_64'? (the name given, \"titanx_64\\r\", has invisible characters: a carriage return or spaces)")
        XCTAssertEqual(NameSuggestion.didYouMean("titanx_65", among: ["titanx_64"]), "; did you mean 'titanx_64'?")
    }
}

final class JobControlLabelTests: XCTestCase {
    func testLabelledReportsCarryNestedLabelsAndShareCancellation() {
        let seen = Mutex<[String?]>([])
        let root = JobControl(onProgress: { r in seen.withLock { $0.append(r.message) } })
        let training = root.labelled("training latency predictor default-nb201-pixel3")
        let mlp = training.labelled("(mlp)")
        mlp.report(ProgressReport(step: 1, total: 10, message: "training mlp"))
        training.report(ProgressReport(step: 2, total: 10))
        root.report(ProgressReport(step: 3, total: 10, message: "search done"))
        XCTAssertEqual(seen.withLock { $0 }, ["training latency predictor default-nb201-pixel3 (mlp)",
                                              "training latency predictor default-nb201-pixel3", "search done"])
        XCTAssertFalse(mlp.isCancelled)
        root.cancel()
        XCTAssertTrue(mlp.isCancelled)
    }

    func testMutedChildrenReportNothingAndShareCancellation() {
        let seen = Mutex<[Int]>([])
        let root = JobControl(onProgress: { r in seen.withLock { $0.append(r.step) } })
        let inner = root.muted()
        let deeper = inner.labelled("(mlp)")
        root.report(ProgressReport(step: 1, total: 3))
        inner.report(ProgressReport(step: 7, total: 19))
        deeper.report(ProgressReport(step: 8, total: 19))
        root.report(ProgressReport(step: 2, total: 3))
        XCTAssertEqual(seen.withLock { $0 }, [1, 2], "only the outer counter reaches the listener")
        XCTAssertFalse(deeper.isCancelled)
        root.cancel()
        XCTAssertTrue(inner.isCancelled)
        XCTAssertTrue(deeper.isCancelled)
    }
}
