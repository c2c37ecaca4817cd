import JSONRPC

/// `export` (long): each architecture as an ONNX network file (protocol/export.md).
public struct ExportRequest: RequestType {
    public static let method = "export"

    /// Search space id.
    public var space: String
    /// Architectures (strings, indices or objects), 1...10000.
    public var archs: [ArchitectureInput]
    /// `onnx` (the default and only format).
    public var format: String?
    /// A directory: one file per architecture, `<space>-<hash>.onnx`...
    public var dir: String?
    /// ...or one file, for a single architecture.
    public var path: String?
    /// Input resolution (a space with elastic resolution: replaces the architecture's `r`; the
    /// others accept their own only).
    public var resolution: Int?
    /// Batch size of the graph's input (1...1024, default 1).
    public var batch: Int?
    /// Seed of the random weights (default 0).
    public var seed: UInt64?
    /// `random` (default) or `zeros`.
    public var weights: String?
    /// Leave out operations off every data path (NB201), as TFLite-style runtimes do.
    public var pruneDead: Bool?

    /// Result of `export`.
    public struct Response: Codable, Sendable {
        /// One entry per architecture, in request order.
        public var files: [File]
        /// The ONNX opset of the files.
        public var opset: Int

        /// One written file.
        public struct File: Codable, Sendable {
            /// The architecture in the space's string format (canonical, at `resolution`).
            public var arch: String
            /// Absolute path.
            public var path: String
            /// File size.
            public var bytes: Int
            /// MACs of one sample.
            public var macs: Double
            /// Parameters (folded batch norms counted as 2 per channel).
            public var params: Double
            /// Input resolution.
            public var resolution: Int
        }
    }
}
