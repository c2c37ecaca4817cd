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
        .target(name: "NASCore", dependencies: ["CKernels", "Runtime"]),
        .target(name: "NASSpaces", dependencies: ["NASCore"]),
        // The shipped data: latency tables, accuracies, device specs (fixtures/), parsed into the spaces.
        .target(name: "NASData", dependencies: ["NASCore", "NASSpaces"]),
        // The small neural engine: MLP, Adam, GEMM kernels, linear solver, NNLS.
        // Optimized in debug builds too: the tests fit pool models (Cholesky solves of 400–800 columns) and train MLPs
        // by the dozen; unoptimized that took minutes. Swift's -O keeps IEEE semantics, so the results are the same bits.
        .target(name: "NASNeural", dependencies: ["NASCore", "CKernels"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "NASPredictors", dependencies: ["NASCore", "NASSpaces", "NASData", "NASNeural"]),
        .target(name: "NASSearch", dependencies: ["NASCore", "NASSpaces", "NASData", "NASNeural"]),
        .target(name: "NASGenerator", dependencies: ["NASCore", "NASSpaces", "NASNeural", "NASSearch"]),
        // ONNX export of the spaces' networks (own protobuf writer; no packages).
        // Optimized in debug builds too: filling millions of random weights unoptimized takes seconds.
        .target(name: "NASExport", dependencies: ["NASCore", "NASSpaces"], swiftSettings: [.unsafeFlags(["-O"])]),
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
