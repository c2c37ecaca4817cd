import NASCore

/// A small CSV table: a header row and string cells (the fixtures hold no quoted fields,
/// but quoted fields with commas and doubled quotes are handled).
public struct CSVTable: Sendable {
    /// Column names from the header row.
    public let header: [String]
    /// Data rows, each with `header.count` cells (short rows are padded with "").
    public let rows: [[String]]

    /// Parses CSV text.
    public init(text: String) {
        var lines: [[String]] = []
        var field: [UInt8] = []
        var row: [String] = []
        var inQuotes = false
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") {
                inQuotes = true
            } else if c == UInt8(ascii: ",") {
                row.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                if c == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                row.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                if !(row.count == 1 && row[0].isEmpty) { lines.append(row) }
                row.removeAll(keepingCapacity: true)
            } else {
                field.append(c)
            }
            i += 1
        }
        header = lines.first ?? []
        let width = header.count
        rows = lines.dropFirst().map { r in r.count >= width ? r : r + Array(repeating: "", count: width - r.count) }
    }

    /// Reads and parses a CSV file.
    public init(path: String) throws(NASError) {
        let bytes: [UInt8]
        do {
            bytes = try AtomicFile.read(path)
        } catch {
            throw NASError(.storage, "cannot read data file \(path): \(error.message)")
        }
        self.init(text: String(decoding: bytes, as: UTF8.self))
    }

    /// The index of a column, or an error naming the file's columns.
    public func columnIndex(_ name: String) throws(NASError) -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw NASError(.internal, "data column '\(name)' missing; columns: \(header.joined(separator: ", "))")
        }
        return i
    }

    /// A column parsed as doubles; empty or unparsable cells become NaN.
    public func doubles(_ name: String) throws(NASError) -> [Double] {
        let c = try columnIndex(name)
        return rows.map { Double($0[c]) ?? .nan }
    }

    /// A column as strings.
    public func strings(_ name: String) throws(NASError) -> [String] {
        let c = try columnIndex(name)
        return rows.map { $0[c] }
    }
}
