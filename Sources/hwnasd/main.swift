// hwnasd: a hardware-aware NAS daemon speaking JSON-RPC 2.0 over stdio (protocol/PROTOCOL.md).
// Everything lives in HWNASServer; this file only hands over the command line.
import HWNASServer

#if canImport(Glibc)
import Glibc
#endif

exit(HWNASDaemon.main(arguments: Array(CommandLine.arguments.dropFirst())))
