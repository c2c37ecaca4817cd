import NASCore
import NASSpaces

/// ProxylessNAS mobile (w1.0) at 224x224: stem 3x3 conv 3->32 s2 + BN + ReLU6; first block
/// depthwise 3x3 + BN + ReLU6, 1x1 32->16 + BN; 21 searchable layers in 6 stages (24, 40, 80,
/// 96, 192, 320), each an inverted bottleneck with mid = in * e and ReLU6, or `zero` (the layer
/// is skipped: its residual block is the identity); 1x1 320->1280 + BN + ReLU6; global pooling;
/// linear 1280->1000.
public struct ProxylessNetwork: NetworkBuilder {
    public init() {}
    public var spaceID: String { "proxyless" }
    public var fixedResolution: Int? { 224 }

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        var b = GraphBuilder(name: "proxyless", batch: batch, inputChannels: 3, inputSize: resolution)
        var x = b.convBN(b.input, outChannels: 32, kernel: 3, stride: 2, act: .relu6, name: "stem")
        x = b.invertedBottleneck(x, outChannels: 16, mid: 32, kernel: 3, stride: 1, expand: false, seReduced: nil,
                                 act: .relu6, name: "first")
        var l = 0
        for (s, depth) in ProxylessSpace.stageDepths.enumerated() {
            for j in 0..<depth {
                let op = Int(arch.genes[l])
                l += 1
                guard op < ProxylessSpace.shapes.count else { continue }   // zero
                let shape = ProxylessSpace.shapes[op]
                x = b.invertedBottleneck(x, outChannels: ProxylessSpace.stageChannels[s], mid: x.channels * shape.e,
                                         kernel: shape.k, stride: j == 0 ? ProxylessSpace.stageStrides[s] : 1, expand: true,
                                         seReduced: nil, act: .relu6, name: "stage\(s).layer\(j)")
            }
        }
        x = b.convBN(x, outChannels: 1280, kernel: 1, act: .relu6, name: "feature_mix")
        x = b.globalAveragePool(x, name: "pool")
        b.output(b.classifier(x, classes: 1000))
        return b
    }
}
