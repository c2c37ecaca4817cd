// What `import HWNASServer` brings: the generic request server (Server, RequestContext,
// MessageSink...) and the application layer (DomainServices, ServerEnvironment, inputs), so
// handlers, tests and tools need one import.
@_exported import HWNASApplication
@_exported import RequestServer
