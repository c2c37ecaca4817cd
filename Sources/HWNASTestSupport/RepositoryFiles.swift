import Foundation

/// Files of this repository's checkout (fixtures, protocol examples, the fuzz corpus), located
/// from this source file, for tests and benchmarks that run from the source tree.
public enum RepositoryFiles {
    /// The checkout's root directory.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `relative` (e.g. `protocol/fuzz-corpus.jsonl`) under the root.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The shipped `fixtures/` directory.
    public static var fixtures: String { path("fixtures") }
}
