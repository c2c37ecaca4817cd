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
        var options = options
        if let code = openStateDirectory(&options, logger: logger) { return code }
        let transport = MessageTransport(input: STDIN_FILENO, output: protocolOut, framing: options.framing,
                                         maxMessageBytes: options.maxMessageBytes, maxOutputBytes: options.maxOutputBytes)
        let server = makeServer(sink: transport, options: options, logger: logger)
        logger.info("hwnasd \(version) ready (\(options.framing.rawValue), state \(options.stateDirectory))")
        transport.start { server.receive($0) }
        OutputWatcher.start(fd: protocolOut) {
            logger.info("the client closed our output: cancelling jobs and exiting")
            transport.closeOutput()
            server.receive(.endOfInput)
        }
        let code = server.waitForExit()
        // Answers still queued go out while the client keeps reading (5 s without progress: given up).
        if !transport.flushOutput(idleTimeout: 5) { logger.warn("exiting with \(transport.pendingOutputBytes) bytes of output unread") }
        return code
    }

    /// Exit code when the state directory cannot be created or used.
    public static let exitStateUnusable: Int32 = 1
    /// Exit code when another daemon owns the state directory (and `--read-only` was not given).
    public static let exitStateInUse: Int32 = 3

    /// Creates (unless read-only) and locks the state directory and checks `predictors/` and
    /// `generators/`; nil when the daemon may start, else the exit code (after logging why).
    /// Without the lock, `--read-only` runs on the directory without writing; a daemon given
    /// `--read-only` never takes the lock.
    static func openStateDirectory(_ options: inout DaemonOptions, logger: Logger) -> Int32? {
        let dir = options.stateDirectory
        do {
            if !options.readOnly {
                try AtomicFile.createDirectory(dir)
                switch try StateDirectoryLock.acquire(dir) {
                case .owned:
                    break
                case .busy(let owner):
                    let who = owner.map { "hwnasd (pid \($0))" } ?? "hwnasd"
                    logger.error("state directory \(dir) is in use by another \(who); stop it, give another --state, or add --read-only to read its files without writing")
                    return exitStateInUse
                }
            }
            for sub in ["predictors", "generators"] {
                try StoreDirectory.prepare(dir + "/" + sub, readOnly: options.readOnly)
            }
        } catch {
            logger.error("state directory: \(error); give --state a directory this user can write"
                         + (options.readOnly ? "" : ", or add --read-only to use this one without saving"))
            return exitStateUnusable
        }
        return nil
    }

    /// A server with every handler registered, answering through `sink` (tests use a pipe).
    public static func makeServer(sink: any MessageSink, options: DaemonOptions, logger: Logger) -> Server {
        let env = ServerEnvironment(stateDirectory: options.stateDirectory, fixturesDirectory: options.fixturesDirectory, logger: logger,
                                    maxFileBytes: options.maxFileBytes, readOnly: options.readOnly)
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
