import JSONRPC
import NASCore

#if canImport(Glibc)
import Glibc
#endif

/// The daemon: wires stdin/stdout, the transport, the server and the handlers.
public enum HWNASDaemon {
    /// `serverInfo.version`.
    public static let version = "0.1.0"

    /// Runs `hwnasd` with a command line (without the program name); returns the exit code.
    public static func main(arguments: [String]) -> Int32 {
        let options: DaemonOptions
        do {
            switch try DaemonOptions.parse(arguments) {
            case .help: print(DaemonOptions.usage); return 0
            case .version: print("hwnasd \(version)"); return 0
            case .run(let o): options = o
            }
        } catch {
            Logger(level: .error).error("\(error)\n\(DaemonOptions.usage)")
            return 2
        }
        return run(options: options)
    }

    /// Runs the daemon until `exit` or end of input. stdout carries only protocol messages:
    /// it is duplicated for the protocol, and fd 1 is pointed at stderr so stray prints go there.
    public static func run(options: DaemonOptions) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let protocolOut = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let logger = Logger(level: options.logLevel, label: "hwnasd")
        do {
            try StoreDirectory.prepare(options.stateDirectory)
        } catch {
            logger.error("state directory: \(error)")
            return 1
        }
        let transport = MessageTransport(input: STDIN_FILENO, output: protocolOut, framing: options.framing,
                                         maxMessageBytes: options.maxMessageBytes)
        let server = makeServer(sink: transport, options: options, logger: logger)
        logger.info("hwnasd \(version) ready (\(options.framing.rawValue), state \(options.stateDirectory))")
        transport.start { server.receive($0) }
        OutputWatcher.start(fd: protocolOut) {
            logger.info("the client closed our output: cancelling jobs and exiting")
            server.receive(.endOfInput)
        }
        return server.waitForExit()
    }

    /// A server with every handler registered, answering through `sink` (tests use a pipe).
    public static func makeServer(sink: any MessageSink, options: DaemonOptions, logger: Logger) -> Server {
        let env = ServerEnvironment(stateDirectory: options.stateDirectory, fixturesDirectory: options.fixturesDirectory, logger: logger)
        let services: DomainServices?
        do {
            services = try DomainServices(environment: env)
        } catch {
            logger.error("domain services unavailable (spaces and encode still work): \(error)")
            services = nil
        }
        let server = Server(sink: sink, options: ServerOptions(maxJobs: options.maxJobs), logger: logger)
        server.registerLifecycleHandlers(catalog: makeServerCatalog(services: services))
        registerDomainHandlers(server: server, services: services)
        return server
    }
}
