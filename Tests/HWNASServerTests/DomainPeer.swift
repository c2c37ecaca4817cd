import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

extension XCTestCase {
    /// An initialized peer with every domain handler registered over a fresh state directory
    /// (`<prefix>-<uuid>` under the temporary directory, removed when the test ends).
    func domainPeer(_ prefix: String, options: ServerOptions = ServerOptions(), readOnly: Bool = false) throws -> InProcessPeer {
        let state = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error), readOnly: readOnly))
        let p = InProcessPeer(options: options) { server in registerDomainHandlers(server: server, services: services) }
        p.initialize()
        return p
    }
}
