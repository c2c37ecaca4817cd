import JSONRPC
import NASCore
import NASSpaces
import RequestServer

extension Server {
    /// Version of protocol/PROTOCOL.md.
    public static let protocolVersion = "1.1"

    /// Registers `initialize` (server info, methods, and `catalog`'s spaces, devices and
    /// predictors), `shutdown`, `hwnas/listDevices` and `hwnas/listPredictors`.
    public func registerLifecycleHandlers(catalog: ServerCatalog, version: String = HWNASDaemon.version) {
        register(InitializeRequest.self) { [unowned self] params, context in
            if let c = params.clientInfo {
                context.logger.info("client \(c.name) \(c.version ?? "")")
            }
            return InitializeResult(
                serverInfo: .init(name: "hwnasd", version: version),
                protocolVersion: Server.protocolVersion,
                methods: methods,
                searchSpaces: catalog.searchSpaces(),
                devices: catalog.devices(false),
                predictors: catalog.predictors(ListPredictorsRequest(limit: InitializeResult.predictorLimit)).predictors,
                predictorCount: catalog.predictorCount())
        }
        register(ShutdownRequest.self) { _, _ in NullResult() }
        register(ListDevicesRequest.self) { params, _ in
            let all = catalog.devices(true)
            guard let space = params.space else { return ListDevicesResult(devices: all) }
            let spaces = catalog.searchSpaces()
            if !spaces.isEmpty && !spaces.contains(where: { $0.id == space }) {
                let hint = NameSuggestion.didYouMean(space, among: spaces.map { ($0.id, [SpaceRegistry.longName(of: $0.summary)]) })
                throw ResponseError(code: .unknownSearchSpace,
                                    message: "params.space: unknown search space '\(space)'\(hint); known: \(spaces.map(\.id).joined(separator: ", "))",
                                    data: ["field": "params.space"])
            }
            return ListDevicesResult(devices: all.filter { $0.spaces.contains(space) })
        }
        register(ListPredictorsRequest.self) { params, _ in
            if let limit = params.limit, limit < 1 {
                throw NASError(.invalidParams, "limit must be at least 1 (got \(limit)); leave it out to list every predictor", field: "limit")
            }
            // A mistyped space is -32001 with "did you mean", not an empty list.
            if let space = params.space { _ = try SpaceRegistry.space(space) }
            return catalog.predictors(params)
        }
    }
}
