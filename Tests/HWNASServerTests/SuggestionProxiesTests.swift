import Foundation
import HWNASServer
import NASCore
import NASPredictors
import Runtime
import XCTest

/// `suggestSamples` spreads its picks by distances in the proxies' log-latencies, so its fixture
/// proxies are fitted without the pool's live-path copy (which lets the pruning phones predict
/// cells with dead operations down to near 0 ms and pulls the picks toward them); adaptation's
/// pool keeps the copy.
final class SuggestionProxiesTests: XCTestCase {
    func testSuggestionProxiesArePlainWhereThePoolHasTheLivePathCopy() throws {
        let state = NSTemporaryDirectory() + "hwnas-suggestproxies-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        // Named proxies: only those devices are fitted.
        let named = try services.suggestionProxies(["pixel3", "raspi4", "gold_6226"], space: "nb201")
        XCTAssertEqual(named.map(\.name).sorted(), ["gold_6226", "pixel3", "raspi4"])
        XCTAssertFalse(named.contains(where: \.hasLivePathCopy), "suggestion proxies carry no live-path copy")
        // The same devices in adaptation's default pool: the phones carry it, the CPU does not.
        let pool = try services.fixturePool(space: "nb201", excluding: [])
        XCTAssertEqual(Set(pool.filter(\.hasLivePathCopy).map(\.name)), ["pixel3", "raspi4"])
    }
}
