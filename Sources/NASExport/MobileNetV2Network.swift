import NASCore
import NASSpaces

/// OFA's MobileNetV2 (w1.0) subnet at input r x r: stem 3x3 conv 3->32 s2 + BN + ReLU6; first
/// block depthwise 3x3 + BN + ReLU6, 1x1 32->16 + BN; 6 stages (24, 32, 64, 96, 160, 320) of
/// inverted bottlenecks with mid = make_divisible(in * e, 8), ReLU6, no SE; 1x1 320->1280 + BN +
/// ReLU6; global pooling; linear 1280->1000.
public struct MobileNetV2Network: NetworkBuilder {
    public init() {}
    public var spaceID: String { "mbv2" }

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        let f = MobileNetV2Space().fields(of: arch)
        let ks = f["ks"]!, e = f["e"]!, d = f["d"]!
        var b = GraphBuilder(name: "mbv2", batch: batch, inputChannels: 3, inputSize: resolution)
        var x = b.convBN(b.input, outChannels: 32, kernel: 3, stride: 2, act: .relu6, name: "stem")
        x = b.invertedBottleneck(x, outChannels: 16, mid: 32, kernel: 3, stride: 1, expand: false, seReduced: nil,
                                 act: .relu6, name: "first")
        let maxDepths = MobileNetV2Space.layout.stageDepths
        for s in 0..<maxDepths.count {
            let first = maxDepths[..<s].reduce(0, +)
            let depth = maxDepths[s] > 1 ? d[s] : maxDepths[s]
            for j in 0..<depth {
                let l = first + j
                x = b.invertedBottleneck(x, outChannels: MobileNetV2Space.stageChannels[s], mid: makeDivisible(x.channels * e[l], 8),
                                         kernel: ks[l], stride: j == 0 ? MobileNetV2Space.stageStrides[s] : 1, expand: true,
                                         seReduced: nil, act: .relu6, name: "stage\(s).layer\(j)")
            }
        }
        x = b.convBN(x, outChannels: 1280, kernel: 1, act: .relu6, name: "feature_mix")
        x = b.globalAveragePool(x, name: "pool")
        b.output(b.classifier(x, classes: 1000))
        return b
    }
}
