// swift-tools-version: 6.0
import PackageDescription

// hwnasd: a hardware-aware NAS daemon speaking JSON-RPC 2.0 over stdio.
// Layering (each module knows only those to its left):
//   CKernels -> NASCore -> NASSpaces -> NASData -> NASPredictors -> NASSearch -> NASGenerator
//   JSONRPC (knows no domain) ; HWNASServer (routes JSON-RPC to the domain) ; hwnasd (thin executable)
let package = Package(
    name: "hwnasd",
    products: [
        .executable(name: "hwnasd", targets: ["hwnasd"]),
        .executable(name: "hwnas-bench", targets: ["hwnas-bench"]),
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
        .target(name: "NASExport", dependencies: ["NASCore", "NASSpaces"]),
        .target(name: "NASSearch", dependencies: ["NASCore", "NASSpaces", "NASPredictors"]),
        .target(name: "NASGenerator", dependencies: ["NASCore", "NASSpaces", "NASPredictors", "NASSearch"]),
        .target(name: "JSONRPC"),
        .target(name: "HWNASServer", dependencies: [
            "JSONRPC", "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator", "NASExport",
        ]),
        .executableTarget(name: "hwnasd", dependencies: ["HWNASServer", "JSONRPC"]),
        .executableTarget(name: "hwnas-bench", dependencies: [
            "HWNASServer", "JSONRPC", "NASCore", "NASSpaces", "NASData", "NASPredictors", "NASSearch", "NASGenerator",
        ]),
        .testTarget(name: "NASCoreTests", dependencies: ["NASCore"]),
        .testTarget(name: "NASSpacesTests", dependencies: ["NASSpaces", "NASData"]),
        .testTarget(name: "NASDataTests", dependencies: ["NASData"]),
        .testTarget(name: "NASPredictorsTests", dependencies: ["NASPredictors"]),
        .testTarget(name: "NASExportTests", dependencies: ["NASExport", "NASSpaces"]),
        .testTarget(name: "NASSearchTests", dependencies: ["NASSearch"]),
        .testTarget(name: "NASGeneratorTests", dependencies: ["NASGenerator"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "HWNASServerTests", dependencies: ["HWNASServer", "JSONRPC"]),
        .testTarget(name: "EndToEndTests", dependencies: ["JSONRPC"]),
    ],
    swiftLanguageModes: [.v6]
)
