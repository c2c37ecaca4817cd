import Foundation
import XCTest
import NASCore
import NASSpaces
@testable import NASData

final class DataCatalogTests: XCTestCase {
    var catalog: DataCatalog!

    override func setUpWithError() throws {
        catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    }

    func testCSVHandlesQuotesAndShortRows() {
        let t = CSVTable(text: "a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,3\n")
        XCTAssertEqual(t.header, ["a", "b", "c"])
        XCTAssertEqual(t.rows[0], ["1", "x, y", "he said \"hi\""])
        XCTAssertEqual(t.rows[1], ["2", "3", ""])
    }

    func testNB201TableHasAllArchsInOfficialOrder() throws {
        let t = try catalog.latencyTable("nb201")
        XCTAssertEqual(t.archs.count, 15_625)
        XCTAssertEqual(t.archIDs, Array(0..<15_625))
        XCTAssertEqual(t.devices.count, 21)
        XCTAssertEqual(Set(t.archs).count, 15_625)
    }

    func testMissingMeasurementsAreNaNAndDropped() throws {
        let t = try catalog.latencyTable("nb201_oneproxy")
        let edgetpu = try t.column("rice_edgetpu")
        XCTAssertEqual(edgetpu.filter(\.isNaN).count, 259)
        let m = try catalog.measurements(space: "nb201", device: "rice_edgetpu")
        XCTAssertEqual(m.latency.count, 1_999 - 259)
        XCTAssertTrue(m.latency.allSatisfy { $0 >= 0 })
    }

    func testDeviceNamesPerSpace() {
        let nb = catalog.deviceNames(space: "nb201")
        XCTAssertTrue(nb.contains("pixel3"))
        XCTAssertTrue(nb.contains("true_a76"))
        XCTAssertEqual(nb.count, 21 + 14 + 1)
        XCTAssertEqual(catalog.deviceNames(space: "fbnet").count, 21 + 1)
        XCTAssertEqual(catalog.deviceNames(space: "ofa_mbv3").sorted(),
                       ["2080ti_1", "2080ti_32", "2080ti_64", "note10_lut", "onnxrt_epyc_zen4", "rtx2080ti", "titan_rtx_1",
                        "titan_rtx_32", "titan_rtx_64", "v100_1", "v100_32", "v100_64"])
        XCTAssertEqual(catalog.deviceNames(space: "mbv2"), ["onnxrt_epyc_zen4"])
        XCTAssertEqual(catalog.deviceNames(space: "proxyless"), ["onnxrt_epyc_zen4"])
    }

    /// This machine under onnxruntime (scripts/measure_fixture_device.py): a device of every
    /// space, NB201 with HELP's 10 reference archs, OFA and MobileNetV2 over every resolution.
    func testThisMachineIsADeviceOfEverySpace() throws {
        let device = "onnxrt_epyc_zen4"
        for (space, minimum) in [("nb201", 1_000), ("fbnet", 500), ("ofa_mbv3", 500), ("mbv2", 500), ("proxyless", 500)] {
            let m = try catalog.measurements(space: space, device: device)
            XCTAssertGreaterThanOrEqual(m.archs.count, minimum, space)
            XCTAssertEqual(Set(m.archs).count, m.archs.count, "\(space): one row per network")
            XCTAssertTrue(m.latency.allSatisfy { $0 > 0 && $0.isFinite }, space)
            XCTAssertEqual(catalog.devices(ofTable: "\(space)_onnxrt"), [device])
            if space == "ofa_mbv3" || space == "mbv2" {
                let impl = try SpaceRegistry.space(space)
                let resolutions = Set(m.archs.compactMap { impl.fields(of: $0)["r"]?.first })
                XCTAssertEqual(resolutions, Set(stride(from: 128, through: 224, by: 4)), space)
            }
        }
        let reference = try CSVTable(path: "\(catalog.directory)/nb201/reference_archs_help.csv").strings("arch_id").compactMap(Int.init)
        let table = try catalog.latencyTable("nb201_onnxrt")
        XCTAssertEqual(reference.count, 10)
        XCTAssertTrue(Set(reference).isSubset(of: Set(table.archIDs)))
        // Official NB201 indices: the same architecture as the HELP table's row of that index.
        let help = try catalog.latencyTable("nb201")
        for (r, id) in table.archIDs.enumerated().prefix(50) { XCTAssertEqual(table.archs[r], help.archs[id]) }
        let spec = try XCTUnwrap(try catalog.deviceSpecs().first { $0.name == device })
        XCTAssertEqual(spec.kind, "cpu")
        XCTAssertEqual(Set(spec.spaces), ["nb201", "fbnet", "ofa_mbv3", "mbv2", "proxyless"])
    }

    func testUnknownDeviceErrorListsDevices() {
        XCTAssertThrowsError(try catalog.measurements(space: "fbnet", device: "abacus")) { error in
            let e = error as! NASError
            XCTAssertEqual(e.kind, .unknownDevice)
            XCTAssertTrue(e.message.contains("pixel3"))
        }
        XCTAssertThrowsError(try catalog.measurements(space: "nope", device: "pixel3")) { error in
            XCTAssertEqual((error as! NASError).kind, .unknownSpace)
        }
    }

    func testDeviceSpecsAndGPUSpecs() throws {
        let specs = try catalog.deviceSpecs()
        let v100 = try XCTUnwrap(specs.first { $0.name == "v100_32" })
        XCTAssertEqual(v100.batch, 32)
        XCTAssertEqual(v100.values["sm_count"], 80)
        XCTAssertEqual(v100.values["memory_bandwidth_gb_s"], 897)
        let gpu = try catalog.gpuSpec(named: "Tesla V100 PCIe 16 GB")
        XCTAssertEqual(gpu.values["cuda_cores"], 5120)
        XCTAssertEqual(gpu.values["sm_count"], 80)
        XCTAssertThrowsError(try catalog.gpuSpec(named: "GeForce"))  // ambiguous
        XCTAssertThrowsError(try catalog.gpuSpec(named: "no such gpu 123"))
    }

    func testFileDigestsEachFileOncePerCatalog() throws {
        let dir = NSTemporaryDirectory() + "hwnas-digest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/t", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "arch,a\n1,2.5\n".write(toFile: dir + "/t/latency.csv", atomically: true, encoding: .utf8)
        try "x\n".write(toFile: dir + "/other.csv", atomically: true, encoding: .utf8)
        let catalog = DataCatalog(fixturesDirectory: dir)
        let digest = try catalog.fileDigest(["t/latency.csv"])
        XCTAssertEqual(digest.count, 16)
        XCTAssertNotEqual(try catalog.fileDigest(["t/latency.csv", "other.csv"]), digest)
        XCTAssertNotEqual(try catalog.fileDigest(["other.csv", "t/latency.csv"]), try catalog.fileDigest(["t/latency.csv", "other.csv"]))
        // One measurement corrected: a new catalog (a new daemon) sees it; this one hashed the file once.
        try "arch,a\n1,2.6\n".write(toFile: dir + "/t/latency.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(try catalog.fileDigest(["t/latency.csv"]), digest)
        XCTAssertNotEqual(try DataCatalog(fixturesDirectory: dir).fileDigest(["t/latency.csv"]), digest)
        XCTAssertThrowsError(try catalog.fileDigest(["missing.csv"]))
    }

    func testAccuracies() throws {
        let acc = try catalog.nb201Accuracy()
        XCTAssertEqual(acc.count, 15_625)
        XCTAssertEqual(acc[1][0], 93.66, accuracy: 0.01)
        XCTAssertFalse(acc.contains { $0[0].isNaN })
        let ofa = try catalog.ofaAccuracy()
        XCTAssertEqual(ofa.archs.count, 2_223)
        XCTAssertEqual(ofa.top1[0], 75.756, accuracy: 1e-6)
    }
}

final class DeviceDiscoveryTests: XCTestCase {
    var catalog: DataCatalog!

    override func setUpWithError() throws {
        catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    }

    func testGPUNamesMatchWithoutCaseOrVendorPrefix() throws {
        XCTAssertEqual(try catalog.gpuSpec(named: "NVIDIA GeForce RTX 3090").name, "GeForce RTX 3090")
        XCTAssertEqual(try catalog.gpuSpec(named: "nvidia geforce rtx 3090").name, "GeForce RTX 3090")
        XCTAssertEqual(try catalog.gpuSpec(named: "RTX 3090").name, "GeForce RTX 3090")  // a name ending in it
        XCTAssertThrowsError(try catalog.gpuSpec(named: "GeForce RTX 3O90")) { e in
            XCTAssertTrue((e as? NASError)?.message.contains("did you mean 'GeForce RTX 3090'") ?? false, "\(e)")
        }
    }

    func testUnknownDeviceSuggestsTheClosestName() {
        XCTAssertThrowsError(try catalog.tableName(space: "nb201", device: "Pixel3")) { e in
            XCTAssertTrue((e as? NASError)?.message.contains("did you mean 'pixel3'?") ?? false, "\(e)")
        }
    }

    func testDescriptionsComeFromDevicesCSVAndTheREADME() throws {
        let specs = try catalog.deviceSpecs()
        let pixel3 = DeviceDescription.describe(device: "pixel3", table: "nb201", spec: specs.first { $0.name == "pixel3" }, specs: specs)
        XCTAssertEqual(pixel3.displayName, "Google Pixel 3")
        XCTAssertTrue(pixel3.description.hasPrefix("Google Pixel 3, phone, batch 1; latencies from HW-NAS-Bench"), pixel3.description)
        let a76 = DeviceDescription.describe(device: "true_a76", table: "nb201_oneproxy", spec: nil, specs: specs)
        XCTAssertEqual(a76.source, "nn-Meter via OneProxy")
        XCTAssertTrue(a76.description.contains("do not describe"), a76.description)
        let ricePixel = DeviceDescription.describe(device: "rice_pixel3", table: "nb201_oneproxy", spec: nil, specs: specs)
        XCTAssertEqual(ricePixel.displayName, "Google Pixel 3")
        XCTAssertEqual(catalog.measuredCounts(ofTable: "nb201_oneproxy")["rice_edgetpu"], 1999 - 259)
    }
}
