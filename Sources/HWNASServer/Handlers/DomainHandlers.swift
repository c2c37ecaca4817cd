// The one place where domain methods are wired to the server: one `register...Handlers` call
// per domain area, each in its own file (SpaceHandlers, ExportHandlers, PredictorHandlers,
// SearchHandlers, MonotonicityHandlers, AdaptationHandlers, GeneratorHandlers, SamplingHandlers), and the catalog `initialize` lists.
import JSONRPC
import NASCore
import NASData
import NASSpaces

/// Registers every domain method. Without `services` (no fixtures found) only the space
/// methods and `export` are offered; the rest answer methodNotFound.
public func registerDomainHandlers(server: Server, services: DomainServices?) {
    server.registerSpaceHandlers()
    server.registerExportHandlers()
    guard let services else { return }
    server.registerPredictorHandlers(services: services)
    server.registerSearchHandlers(services: services)
    server.registerGeneratorHandlers(services: services)
    server.registerMonotonicityHandlers(services: services)
    server.registerAdaptationHandlers(services: services)
    server.registerSamplingHandlers(services: services)
}

/// The catalog `initialize` and the list methods show.
public func makeServerCatalog(services: DomainServices?) -> ServerCatalog {
    ServerCatalog(
        searchSpaces: {
            SpaceRegistry.all.map {
                SpaceSummary(id: $0.id, summary: $0.summary, decisions: $0.decisionCount, size: $0.size, encodings: $0.encodings)
            }
        },
        devices: { detailed in services?.deviceSummaries(detailed: detailed) ?? [] },
        predictors: { query in
            guard let services else { return ListPredictorsResult(predictors: []) }
            let page = services.predictors.list(after: query.after, limit: query.limit ?? Int.max, space: query.space, device: query.device)
            return ListPredictorsResult(predictors: page.predictors.map { p in
                var info: [String: JSONValue] = ["variant": .string(p.variant), "trainCount": .number(Double(p.trainCount))]
                if let m = p.heldOut {
                    info["heldOutRMSE"] = .number(m.rmse)
                    info["heldOutSpearman"] = .number(m.spearman)
                }
                if let m = p.crossValidated {
                    info["crossValidatedRMSE"] = .number(m.rmse)
                    info["crossValidatedSpearman"] = .number(m.spearman)
                    info["crossValidatedCount"] = .number(Double(m.count))
                }
                return PredictorSummary(id: p.id, space: p.spaceID, device: p.device, model: p.kind, info: .object(info))
            }, next: page.next)
        },
        predictorCount: { services?.predictors.count ?? 0 })
}
