import NASCore

/// Once-For-All MobileNetV3 (w1.0): 5 stages of up to 4 layers, per-layer kernel {3,5,7} and
/// expand ratio {3,4,6}, per-stage depth {2,3,4}, input resolution 128...224 step 4.
///
/// Genes (46): `ks[0..19]`, `e[0..19]`, `d[0..4]`, `r` (see `ElasticLayout`). Accepted input:
/// `ks=<20>;e=<20>;d=<5>;r=<res>` (lists joined by `-`) and the OFA object
/// `{"ks":[20],"e":[20],"d":[5],"r":[res]}`. Inactive slots (j >= d[i]) are ignored and
/// formatted as ks=3, e=3.
public struct OFAMobileNetV3Space: ElasticMobileNetSpace {
    /// The gene layout.
    public static let layout = ElasticLayout(stageDepths: [4, 4, 4, 4, 4])
    /// Output channels, first-layer stride, squeeze-excite of the 5 elastic stages.
    public static let stageChannels = [24, 40, 80, 112, 160]
    public static let stageStrides = [2, 2, 2, 1, 2]
    public static let stageSE = [false, true, false, true, true]

    /// Makes the space.
    public init() {}

    public var id: String { "ofa_mbv3" }
    public var summary: String {
        "Once-For-All MobileNetV3 w1.0: 5 stages, depth {2,3,4}, per-layer kernel {3,5,7} and expand {3,4,6}, resolution 128..224 step 4"
    }

    /// OFA's MobileNetV3 layer shapes: 3x3 stem (16, stride 2), a fixed 16-channel first block
    /// (depthwise 3x3 + 1x1), the 5 elastic stages (mid = make_divisible(in * e, 8), SE with
    /// make_divisible(mid / 4, 8) channels), final 1x1 expand to 960, pooling, 1x1 960->1280 and
    /// a 1280->1000 classifier.
    public func cost(of arch: Architecture) -> ArchitectureCost {
        let L = Self.layout
        var c = LayerCounter()
        let r = L.resolutions[Int(arch.genes[L.rGene])]
        var h = (r - 1) / 2 + 1
        c.conv(inC: 3, outC: 16, k: 3, outH: h, bn: true)
        c.invertedBottleneck(inC: 16, outC: 16, mid: 16, k: 3, stride: 1, inH: h, expand: false, se: false)
        var inC = 16
        arch.genes.withUnsafeBufferPointer { g in
            for s in 0..<5 {
                let d = L.depth(ofStage: s, g)
                for j in 0..<d {
                    let l = L.firstLayer[s] + j
                    let k = L.kernelSizes[Int(g[L.ksBase + l])]
                    let e = L.expandRatios[Int(g[L.eBase + l])]
                    let mid = makeDivisible(inC * e, 8)
                    h = c.invertedBottleneck(inC: inC, outC: Self.stageChannels[s], mid: mid, k: k,
                                             stride: j == 0 ? Self.stageStrides[s] : 1, inH: h, expand: true, se: Self.stageSE[s])
                    inC = Self.stageChannels[s]
                }
            }
        }
        c.conv(inC: inC, outC: 960, k: 1, outH: h, bn: true)
        c.conv(inC: 960, outC: 1280, k: 1, outH: 1)
        c.linear(inF: 1280, outF: 1000, bias: true)
        return c.cost
    }
}
