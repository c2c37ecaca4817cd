// The one place where domain methods are wired to the server. Add a line per method:
//     server.register(PredictRequest.self, dependencies: { [.read("predictor:\($0.predictor)")] }) { p, ctx in ... }
// and fill the catalog providers below so `initialize` lists what exists.
import JSONRPC
import NASCore
import NASData
import NASSpaces

/// Registers every domain method (spaces now; predictors, search and generators by the lead).
public func registerDomainHandlers(server: Server, environment: ServerEnvironment) {
    server.registerSpaceHandlers()
}

/// The catalog `initialize` and the list methods show.
public func makeServerCatalog(environment: ServerEnvironment) -> ServerCatalog {
    let fixtures = try? FixturesLocator.locate(environment.fixturesDirectory)
    let data = fixtures.map { DataCatalog(fixturesDirectory: $0) }
    if fixtures == nil { environment.logger.warn("no fixtures directory found; no devices are listed") }
    return ServerCatalog(
        searchSpaces: {
            SpaceRegistry.all.map {
                SpaceSummary(id: $0.id, summary: $0.summary, decisions: $0.decisionCount, size: $0.size, encodings: $0.encodings)
            }
        },
        devices: {
            guard let specs = try? data?.deviceSpecs() else { return [] }
            return specs.map { DeviceSummary(name: $0.name, kind: $0.kind, batch: $0.batch, spaces: $0.spaces) }
        },
        predictors: { [] })
}
