import NASCore
import NASSpaces

/// Once-For-All's MobileNetV3 (w1.0) subnet at input r x r: stem 3x3 conv 3->16 s2 + BN +
/// h-swish; first block depthwise 3x3 + BN + ReLU, 1x1 16->16 + BN, plus the input; 5 elastic
/// stages (24, 40, 80, 112, 160 channels; ReLU in the first two, h-swish after; SE in stages 1,
/// 3, 4) of `MBConvLayer`s with mid = make_divisible(in * e, 8); 1x1 160->960 + BN + h-swish;
/// global pooling; 1x1 960->1280 (no bias, no BN) + h-swish; linear 1280->1000.
public struct OFAMobileNetV3Network: NetworkBuilder {
    public init() {}
    public var spaceID: String { "ofa_mbv3" }
    static let stages = ElasticStages(
        maxDepths: OFAMobileNetV3Space.layout.stageDepths, channels: OFAMobileNetV3Space.stageChannels,
        strides: OFAMobileNetV3Space.stageStrides, activations: [.relu, .relu, .hardSwish, .hardSwish, .hardSwish],
        squeezeExcite: OFAMobileNetV3Space.stageSE)

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        let f = OFAMobileNetV3Space().fields(of: arch)
        let ks = f["ks"]!, e = f["e"]!, d = f["d"]!
        var b = GraphBuilder(name: "ofa_mbv3", batch: batch, inputChannels: 3, inputSize: resolution)
        var x = b.convBN(b.input, outChannels: 16, kernel: 3, stride: 2, act: .hardSwish, name: "stem")
        x = b.invertedBottleneck(x, outChannels: 16, mid: 16, kernel: 3, stride: 1, expand: false, seReduced: nil,
                                 act: .relu, name: "first")
        x = b.elasticStages(x, Self.stages, depths: d, ks: ks, e: e)
        x = b.convBN(x, outChannels: 960, kernel: 1, act: .hardSwish, name: "final_expand")
        x = b.globalAveragePool(x, name: "pool")
        x = b.conv(x, outChannels: 1280, kernel: 1, bias: .none, name: "feature_mix")
        x = b.hardSwish(x, name: "feature_mix.act")
        b.output(b.classifier(x, classes: 1000))
        return b
    }
}
