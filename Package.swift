// swift-tools-version: 6.0
import PackageDescription

// hwnasd: a hardware-aware NAS daemon speaking JSON-RPC 2.0 over stdio.
// Layering (each module knows only the modules it lists; Documentation/Modules.md has one
// paragraph per module and the checklists for adding a method, a space, a predictor kind or a
// device data set):
//   domain (no JSON-RPC):  Runtime, CKernels -> NASCore -> NASSpaces (+ SpaceProfile per space) -> NASData
//                          NASCore -> NASNeural (MLP engine); NASData + NASNeural -> NASPredictors, NASSearch
//                          NASSearch -> NASGenerator
//                          NASCore + NASSpaces -> NASExport (ONNX networks of the spaces)
//   protocol and server:   JSONRPC (the protocol only) -> RequestServer (generic request server)
//   hwnasd:                HWNASApplication (application layer, no JSON-RPC)
//                          -> HWNASServer (method layer) -> hwnasd (thin executable)
//   tools:                 HWNASTestSupport (tests and hwnas-bench only), hwnas-bench (not a product)
// The domain modules are optimized in debug builds too (`swift build`, `swift test`): the tests fit
// pool models (every fixture device's pairwise table), train MLPs by the dozen and fill ONNX weights;
// unoptimized, generic-metadata and iterator overhead made the Swift tests take 5 min 16 s, with these
// modules at -O 1 min 40 s. Swift's -O keeps IEEE semantics (no fast-math), so every result is the same
// bits; it drops `assert` (these modules use `precondition`). The protocol and server modules stay
// unoptimized for debugging.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "hwnasd",
    products: [
        .executable(name: "hwnasd", targets: ["hwnasd"]),
        .library(name: "HWNASServer", targets: ["HWNASServer"]),
    ],
    targets: [
        // Small C target: AVX2/FMA kernels behind a run-time CPU check, with a portable fallback.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // What running work and its host share: JobControl (cancellation, progress) and Logger.
        .target(name: "Runtime"),
        .target(name: "NASCore", dependencies: ["CKernels", "Runtime"], swiftSettings: optimized),
        .target(name: "NASSpaces", dependencies: ["NASCore"], swiftSettings: optimized),
        // The shipped data: latency tables, accuracies, device specs (fixtures/), parsed into the spaces.
        .target(name: "NASData", dependencies: ["NASCore", "NASSpaces"], swiftSettings: optimized),
        // The small neural engine: MLP, Adam, GEMM kernels, linear solver, NNLS.
        .target(name: "NASNeural", dependencies: ["NASCore", "CKernels"], swiftSettings: optimized),
        .target(name: "NASPredictors", dependencies: ["NASCore", "NASSpaces", "NASData", "NASNeural"], swiftSettings: optimized),
        .target(name: "NASSearch", dependencies: ["NASCore", "NASSpaces", "NASData", "NASNeural"], swiftSettings: optimized),
        .target(name: "NASGenerator", dependencies: ["NASCore", "NASSpaces", "NASNeural", "NASSearch"], swiftSettings: optimized),
        // ONNX export of the spaces' networks (own protobuf writer; no packages).
        .target(name: "NASExport", dependencies: ["NASCore", "NASSpaces"], swiftSettings: optimized),
        .target(name: "JSONRPC"),
        // A generic JSON-RPC request server: scheduling, dependencies, cancellation, progress.
        .target(name: "RequestServer", dependencies: ["JSONRPC", "Runtime"]),
        // hwnasd's application layer: domain state and what requests resolve (no JSON-RPC).
        .target(name: "HWNASApplication", dependencies: [
            "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator",
        ]),
        // hwnasd's method layer: one file per request, handlers, error mapping, daemon options.
        .target(name: "HWNASServer", dependencies: [
            "JSONRPC", "RequestServer", "HWNASApplication",
            "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator", "NASExport",
        ]),
        .executableTarget(name: "hwnasd", dependencies: ["HWNASServer", "JSONRPC"]),
        // Test support shared by the test targets and hwnas-bench (not a product): client
        // connection, in-memory channel, in-process peer, daemon subprocess, fuzzing, fixtures.
        .target(name: "HWNASTestSupport", dependencies: ["HWNASServer", "RequestServer", "Runtime", "JSONRPC", "NASCore"]),
        .executableTarget(name: "hwnas-bench", dependencies: [
            "HWNASServer", "HWNASTestSupport", "JSONRPC", "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator",
        ]),
        .testTarget(name: "NASCoreTests", dependencies: ["NASCore"]),
        .testTarget(name: "NASSpacesTests", dependencies: ["NASSpaces", "NASData", "HWNASTestSupport"]),
        .testTarget(name: "NASDataTests", dependencies: ["NASData"]),
        .testTarget(name: "NASPredictorsTests", dependencies: ["NASPredictors", "NASNeural"]),
        .testTarget(name: "NASExportTests", dependencies: ["NASExport", "NASSpaces"]),
        .testTarget(name: "NASSearchTests", dependencies: ["NASSearch", "NASPredictors"]),
        .testTarget(name: "NASGeneratorTests", dependencies: ["NASGenerator"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "HWNASServerTests", dependencies: ["HWNASServer", "HWNASTestSupport", "JSONRPC", "NASPredictors", "NASGenerator"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HWNASTestSupport", "JSONRPC"]),
    ],
    swiftLanguageModes: [.v6]
)
