import Foundation
import NASData
import NASPredictors
import XCTest

/// A fixtures directory of a few NB201 devices (the first `rows` cells of the shipped table) and
/// `hardware/devices.csv`, for tests that change fixtures under a store.
enum SmallFixtures {
    /// Writes it at a fresh temporary path and returns that path (the caller removes it).
    static func nb201(devices: Set<String>, rows: Int) throws -> String {
        let real = try FixturesLocator.locate()
        let dir = NSTemporaryDirectory() + "hwnas-small-fixtures-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/nb201", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/hardware", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: real + "/" + DataCatalog.deviceSpecsFile, toPath: dir + "/" + DataCatalog.deviceSpecsFile)
        let head = try XCTUnwrap(FileHandle(forReadingAtPath: real + "/nb201/latency.csv")).readData(ofLength: 1000 * (rows + 1))
        let lines = String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline).prefix(rows + 1)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let all = Set(DataCatalog(fixturesDirectory: real).devices(ofTable: "nb201"))
        let keep = header.indices.filter { !all.contains(header[$0]) || devices.contains(header[$0]) }
        let text = lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return keep.map { cells[$0].trimmingCharacters(in: .whitespaces) }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        try text.write(toFile: dir + "/nb201/latency.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// Corrects one measurement: a `9` prepended to the last cell of the table's last row.
    static func editLastMeasurement(_ dir: String) throws {
        var table = try String(contentsOfFile: dir + "/nb201/latency.csv", encoding: .utf8)
        let last = try XCTUnwrap(table.dropLast().lastIndex(of: ","))
        table.insert("9", at: table.index(after: last))
        try table.write(toFile: dir + "/nb201/latency.csv", atomically: true, encoding: .utf8)
    }

    /// A store over `fixtures` in `directory` that tells `info` where its defaults came from,
    /// loaded as the daemon loads one at start.
    static func store(_ directory: String, fixtures: String, info: @escaping @Sendable (String) -> Void) throws -> PredictorStore {
        let store = try PredictorStore(directory: directory, catalog: DataCatalog(fixturesDirectory: fixtures), info: info)
        store.loadAll()
        return store
    }
}
