import NASCore
import NASSpaces

/// OFA's MobileNetV2 (w1.0) subnet at input r x r: stem 3x3 conv 3->32 s2 + BN + ReLU6; first
/// block depthwise 3x3 + BN + ReLU6, 1x1 32->16 + BN; 6 stages (24, 32, 64, 96, 160, 320) of
/// inverted bottlenecks with mid = make_divisible(in * e, 8), ReLU6, no SE; 1x1 320->1280 + BN +
/// ReLU6; global pooling; linear 1280->1000.
public struct MobileNetV2Network: NetworkBuilder {
    public init() {}
    public var spaceID: String { "mbv2" }
    static let stages = ElasticStages(
        maxDepths: MobileNetV2Space.layout.stageDepths, channels: MobileNetV2Space.stageChannels,
        strides: MobileNetV2Space.stageStrides, activations: Array(repeating: .relu6, count: MobileNetV2Space.stageChannels.count),
        squeezeExcite: Array(repeating: false, count: MobileNetV2Space.stageChannels.count))

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        let f = MobileNetV2Space().fields(of: arch)
        let ks = f["ks"]!, e = f["e"]!, d = f["d"]!
        var b = GraphBuilder(name: "mbv2", batch: batch, inputChannels: 3, inputSize: resolution)
        var x = b.convBN(b.input, outChannels: 32, kernel: 3, stride: 2, act: .relu6, name: "stem")
        x = b.invertedBottleneck(x, outChannels: 16, mid: 32, kernel: 3, stride: 1, expand: false, seReduced: nil,
                                 act: .relu6, name: "first")
        // A stage of one layer (the last) is not elastic.
        let depths = Self.stages.maxDepths.indices.map { Self.stages.maxDepths[$0] > 1 ? d[$0] : Self.stages.maxDepths[$0] }
        x = b.elasticStages(x, Self.stages, depths: depths, ks: ks, e: e)
        x = b.convBN(x, outChannels: 1280, kernel: 1, act: .relu6, name: "feature_mix")
        x = b.globalAveragePool(x, name: "pool")
        b.output(b.classifier(x, classes: 1000))
        return b
    }
}
