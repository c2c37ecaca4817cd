import NASCore
import NASExport
import NASSpaces
import XCTest

final class ExportTests: XCTestCase {
    /// The exported graph's MACs and parameters are the cost model's, for every space.
    func testCountsEqualTheCostModel() throws {
        for space in SpaceRegistry.all {
            let archs = space.sample(count: space.id == "nb201" ? 400 : 200, seed: 7)
            for a in archs {
                let g = try NetworkExporter.graph(a, in: space, options: ExportOptions())
                let c = space.cost(of: a)
                XCTAssertEqual(g.macs, c.macs, accuracy: 1e-9 * c.macs, "\(space.id) \(space.format(a)) MACs")
                XCTAssertEqual(g.params, c.params, accuracy: 0.5, "\(space.id) \(space.format(a)) params")
            }
        }
    }

    func testSameArchAndSeedGiveSameBytes() throws {
        for space in SpaceRegistry.all {
            let a = space.sample(count: 1, seed: 3)[0]
            let x = try NetworkExporter.export(a, in: space, options: ExportOptions(seed: 5))
            let y = try NetworkExporter.export(a, in: space, options: ExportOptions(seed: 5))
            let z = try NetworkExporter.export(a, in: space, options: ExportOptions(seed: 6))
            let zeros = try NetworkExporter.export(a, in: space, options: ExportOptions(weights: .zeros))
            XCTAssertEqual(x.bytes, y.bytes, space.id)
            XCTAssertNotEqual(x.bytes, z.bytes, space.id)
            XCTAssertEqual(x.bytes.count, z.bytes.count, space.id)
            XCTAssertGreaterThan(x.bytes.count, Int(4 * x.params) - Int(4 * x.params) / 10, "\(space.id): weights are in the file")
            // The doc_string and the hwnasd.weights metadata both name the fill.
            XCTAssertEqual(x.bytes.count, zeros.bytes.count + 2 * ("random".utf8.count - "zeros".utf8.count), space.id)
        }
    }

    /// NB201 with pruneDead: edges off every data path are left out; a cell with no data path
    /// still exports (its output is the input times zero).
    func testNB201PruneDead() throws {
        let space = NB201Space()
        let full = ExportOptions(), pruned = ExportOptions(pruneDead: true)
        // conv on 1<-0, but node 1 feeds only none edges: dead in the pruned graph.
        let dead = try space.parse("|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|skip_connect~2|")
        let gFull = try NetworkExporter.graph(dead, in: space, options: full)
        let gPruned = try NetworkExporter.graph(dead, in: space, options: pruned)
        XCTAssertEqual(gFull.macs, space.cost(of: dead).macs)
        let conv3 = { (h: Int, c: Int) in Double(h * h * c * c * 9) }
        XCTAssertEqual(gFull.macs - gPruned.macs, 5 * (conv3(32, 16) + conv3(16, 32) + conv3(8, 64)))
        XCTAssertFalse(gPruned.graph.nodes.contains { $0.name.contains("edge1<-0") })
        XCTAssertTrue(gFull.graph.nodes.contains { $0.name.contains("edge1<-0") })

        let noPath = try space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|")
        XCTAssertTrue(space.hasNoDataPath(noPath))
        for options in [full, pruned] {
            let g = try NetworkExporter.graph(noPath, in: space, options: options)
            XCTAssertEqual(g.graph.outputs.map(\.dims), [[1, 10]])
            let zeroMuls = g.graph.nodes.filter { $0.opType == "Mul" && $0.inputs.last == "const.zero" }
            XCTAssertFalse(zeroMuls.isEmpty)
            XCTAssertTrue(zeroMuls.allSatisfy { $0.inputs[0] != "const.zero" })
        }
        // Every cell's data path is live: both graphs are the same network.
        let allLive = try space.parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|")
        XCTAssertEqual(try NetworkExporter.graph(allLive, in: space, options: pruned).macs, space.cost(of: allLive).macs)
    }

    func testResolutions() throws {
        let ofa = OFAMobileNetV3Space()
        XCTAssertEqual(try NetworkExporter.resolutions(of: ofa), Array(stride(from: 128, through: 224, by: 4)))
        XCTAssertEqual(try NetworkExporter.resolutions(of: NB201Space()), [32])
        let a = ofa.sample(count: 1, seed: 1)[0]
        let at160 = try NetworkExporter.architecture(a, in: ofa, resolution: 160)
        XCTAssertEqual(try NetworkExporter.resolution(of: at160, in: ofa), 160)
        XCTAssertEqual(ofa.cost(of: at160).macs, try NetworkExporter.graph(at160, in: ofa, options: ExportOptions()).macs)
        XCTAssertThrowsError(try NetworkExporter.architecture(a, in: ofa, resolution: 130)) { e in
            XCTAssertEqual((e as? NASError)?.field, "resolution")
        }
        XCTAssertThrowsError(try NetworkExporter.architecture(NB201Space().sample(count: 1, seed: 1)[0], in: NB201Space(), resolution: 64))
        XCTAssertThrowsError(try NetworkExporter.export(a, in: ofa, options: ExportOptions(batch: 0)))
    }

    func testFileNamesDependOnArchAndOptions() {
        let s = FBNetSpace()
        let a = s.sample(count: 2, seed: 1)
        let n = NetworkExporter.fileName(a[0], in: s, options: ExportOptions())
        XCTAssertTrue(n.hasPrefix("fbnet-") && n.hasSuffix(".onnx") && n.count == "fbnet-".count + 16 + 5)
        XCTAssertEqual(n, NetworkExporter.fileName(a[0], in: s, options: ExportOptions()))
        XCTAssertNotEqual(n, NetworkExporter.fileName(a[1], in: s, options: ExportOptions()))
        XCTAssertNotEqual(n, NetworkExporter.fileName(a[0], in: s, options: ExportOptions(batch: 2)))
    }
}
