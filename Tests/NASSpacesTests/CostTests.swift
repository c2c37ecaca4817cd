import XCTest
import HWNASTestSupport
import NASCore
@testable import NASSpaces

/// Analytic MACs/params against the counts shipped with the OFA accuracy data.
final class CostTests: XCTestCase {
    func testOFAMacsAndParamsMatchCSV() throws {
        let csv = try FixtureCSV("ofa_mbv3/accuracy_imagenet_top1.csv")
        let space = OFAMobileNetV3Space()
        let strs = csv.column("arch_str"), macs = csv.column("macs").map { Double($0)! }, params = csv.column("params").map { Double($0)! }
        var macErr = 0.0, paramErr = 0.0
        for i in 0..<strs.count {
            let c = space.cost(of: try space.parse(strs[i]))
            macErr += abs(c.macs - macs[i]) / macs[i]
            paramErr += abs(c.params - params[i]) / params[i]
        }
        macErr /= Double(strs.count)
        paramErr /= Double(strs.count)
        print("OFA cost vs CSV: MACs mean rel err \(macErr), params mean rel err \(paramErr)")
        XCTAssertLessThan(macErr, 0.02)
        XCTAssertLessThan(paramErr, 0.02)
    }

    func testCostsArePositiveAndMonotoneInWork() throws {
        for space in SpaceRegistry.all {
            for a in space.sample(count: 20, seed: 3) {
                let c = space.cost(of: a)
                XCTAssertGreaterThan(c.macs, 0, space.id)
                XCTAssertGreaterThan(c.params, 0, space.id)
            }
        }
        let nb = NB201Space()
        let convs = try nb.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        let skips = try nb.parse("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|")
        XCTAssertGreaterThan(nb.cost(of: convs).macs, nb.cost(of: skips).macs)
    }
}
