// swift-tools-version: 6.0
import PackageDescription

// hwnasd: a hardware-aware NAS daemon speaking JSON-RPC 2.0 over stdio.
// Layering (each module knows only those to its left):
//   CKernels -> NASCore -> NASSpaces -> NASData -> NASPredictors -> NASSearch -> NASGenerator
//   NASExport (ONNX networks of the spaces) knows NASCore and NASSpaces only
//   JSONRPC (the protocol only) ; HWNASServer (routes JSON-RPC to the domain) ; hwnasd (thin executable)
//   HWNASTestSupport (test and benchmark helpers; no product links it) ; hwnas-bench (not a product)
let package = Package(
    name: "hwnasd",
    products: [
        .executable(name: "hwnasd", targets: ["hwnasd"]),
        .library(name: "HWNASServer", targets: ["HWNASServer"]),
    ],
    targets: [
        // Small C target: AVX2/FMA kernels behind a run-time CPU check, with a portable fallback.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "NASCore", dependencies: ["CKernels"]),
        .target(name: "NASSpaces", dependencies: ["NASCore"]),
        // The shipped data: latency tables, accuracies, device specs (fixtures/), parsed into the spaces.
        .target(name: "NASData", dependencies: ["NASCore", "NASSpaces"]),
        .target(name: "NASPredictors", dependencies: ["NASCore", "NASSpaces", "NASData", "CKernels"]),
        // ONNX export of the spaces' networks (own protobuf writer; no packages).
        // Optimized in debug builds too: filling millions of random weights unoptimized takes seconds.
        .target(name: "NASExport", dependencies: ["NASCore", "NASSpaces"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "NASSearch", dependencies: ["NASCore", "NASSpaces", "NASPredictors"]),
        .target(name: "NASGenerator", dependencies: ["NASCore", "NASSpaces", "NASPredictors", "NASSearch"]),
        .target(name: "JSONRPC"),
        .target(name: "HWNASServer", dependencies: [
            "JSONRPC", "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator", "NASExport",
        ]),
        .executableTarget(name: "hwnasd", dependencies: ["HWNASServer", "JSONRPC"]),
        // Test support shared by the test targets and hwnas-bench (not a product): client
        // connection, in-memory channel, in-process peer, daemon subprocess, fuzzing, fixtures.
        .target(name: "HWNASTestSupport", dependencies: ["HWNASServer", "JSONRPC", "NASCore"]),
        .executableTarget(name: "hwnas-bench", dependencies: [
            "HWNASServer", "HWNASTestSupport", "JSONRPC", "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator",
        ]),
        .testTarget(name: "NASCoreTests", dependencies: ["NASCore"]),
        .testTarget(name: "NASSpacesTests", dependencies: ["NASSpaces", "NASData", "HWNASTestSupport"]),
        .testTarget(name: "NASDataTests", dependencies: ["NASData"]),
        .testTarget(name: "NASPredictorsTests", dependencies: ["NASPredictors"]),
        .testTarget(name: "NASExportTests", dependencies: ["NASExport", "NASSpaces"]),
        .testTarget(name: "NASSearchTests", dependencies: ["NASSearch"]),
        .testTarget(name: "NASGeneratorTests", dependencies: ["NASGenerator"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "HWNASServerTests", dependencies: ["HWNASServer", "HWNASTestSupport", "JSONRPC"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HWNASTestSupport", "JSONRPC"]),
    ],
    swiftLanguageModes: [.v6]
)
