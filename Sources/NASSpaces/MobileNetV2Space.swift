import NASCore

/// The MobileNetV2-based elastic space of OFA (`OFAProxylessNASNets` with MobileNetV2 stage
/// widths, w1.0), as used by OneProxy: 6 stages of up to 4, 4, 4, 4, 4, 1 layers, per-layer
/// kernel {3,5,7} and expand ratio {3,4,6}, depth {2,3,4} for the first 5 stages, resolution
/// 128...224 step 4.
///
/// Genes (48): `ks[0..20]`, `e[0..20]`, `d[0..4]`, `r` (see `ElasticLayout`). Accepted input:
/// `ks=<21>;e=<21>;d=<5>;r=<res>` and `{"ks":[21],"e":[21],"d":[5],"r":[res]}`.
public struct MobileNetV2Space: ElasticMobileNetSpace {
    /// The gene layout.
    public static let layout = ElasticLayout(stageDepths: [4, 4, 4, 4, 4, 1])
    /// Output channels and first-layer strides of the 6 stages.
    public static let stageChannels = [24, 32, 64, 96, 160, 320]
    public static let stageStrides = [2, 2, 2, 1, 2, 1]

    /// Makes the space.
    public init() {}

    public var id: String { "mbv2" }
    public var summary: String {
        "OFA MobileNetV2 w1.0: 6 stages (depth {2,3,4} for the first 5, 1 for the last), per-layer kernel {3,5,7} and expand {3,4,6}, resolution 128..224 step 4"
    }

    /// Layer shapes of OFA's MobileNetV2: 3x3 stem (32, stride 2), first block (depthwise 3x3 on
    /// 32 + 1x1 to 16), the elastic stages (mid = make_divisible(in * e, 8), no SE), a 1x1
    /// 320->1280 feature-mix conv before pooling, and a 1280->1000 classifier.
    public func cost(of arch: Architecture) -> ArchitectureCost {
        let L = Self.layout
        var c = LayerCounter()
        let r = L.resolutions[Int(arch.genes[L.rGene])]
        var h = (r - 1) / 2 + 1
        c.conv(inC: 3, outC: 32, k: 3, outH: h, bn: true)
        c.invertedBottleneck(inC: 32, outC: 16, mid: 32, k: 3, stride: 1, inH: h, expand: false, se: false)
        var inC = 16
        arch.genes.withUnsafeBufferPointer { g in
            for s in 0..<L.stageDepths.count {
                for j in 0..<L.depth(ofStage: s, g) {
                    let l = L.firstLayer[s] + j
                    let mid = makeDivisible(inC * L.expandRatios[Int(g[L.eBase + l])], 8)
                    h = c.invertedBottleneck(inC: inC, outC: Self.stageChannels[s], mid: mid, k: L.kernelSizes[Int(g[L.ksBase + l])],
                                             stride: j == 0 ? Self.stageStrides[s] : 1, inH: h, expand: true, se: false)
                    inC = Self.stageChannels[s]
                }
            }
        }
        c.conv(inC: inC, outC: 1280, k: 1, outH: h, bn: true)
        c.linear(inF: 1280, outF: 1000, bias: true)
        return c.cost
    }
}
