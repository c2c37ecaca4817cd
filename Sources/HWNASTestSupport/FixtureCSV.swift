import Foundation

/// A tiny reader for the fixtures' CSVs (no quoted fields occur in them), for tests and benchmarks only.
public struct FixtureCSV: Sendable {
    /// The header row.
    public let header: [String]
    /// The data rows.
    public let rows: [[String]]

    /// Reads `fixtures/<relative>` of this repository.
    public init(_ relative: String) throws {
        let text = try String(contentsOfFile: RepositoryFiles.fixtures + "/" + relative, encoding: .utf8)
        // Split on bytes: some files end lines with CRLF, which Swift treats as one Character.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
                .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        header = lines.removeFirst()
        rows = lines
    }

    /// The values of one column.
    public func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }
}
