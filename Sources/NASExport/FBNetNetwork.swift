import NASCore
import NASSpaces

/// HW-NAS-Bench's FBNet macro network on CIFAR-100 (32x32): stem 3x3 conv 3->16 + BN + ReLU;
/// 22 searchable blocks in stages of 1, 4, 4, 4, 4, 4, 1 (16 ... 352 channels); head 1x1 conv
/// 352->1504 + BN + ReLU, global pooling, linear 1504->100.
///
/// A block `k<k>_e<e>[_g2]` is 1x1 conv (groups g) + BN + ReLU, a channel shuffle when g = 2,
/// kxk depthwise (stride) + BN + ReLU, 1x1 conv (groups g) + BN, plus the input when the shape
/// is kept. `skip` is the identity, or a 1x1 conv (stride) + BN when the stride or the width
/// changes.
public struct FBNetNetwork: NetworkBuilder {
    public init() {}
    public var spaceID: String { "fbnet" }
    public var fixedResolution: Int? { 32 }

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        var b = GraphBuilder(name: "fbnet", batch: batch, inputChannels: 3, inputSize: resolution)
        var x = b.convBN(b.input, outChannels: FBNetSpace.stemChannels, kernel: 3, act: .relu, name: "stem")
        var block = 0
        for (s, depth) in FBNetSpace.stageDepths.enumerated() {
            let outC = FBNetSpace.stageChannels[s]
            for l in 0..<depth {
                let stride = l == 0 ? FBNetSpace.stageStrides[s] : 1
                let name = "block\(block)"
                let op = Int(arch.genes[block])
                if op == FBNetSpace.opShapes.count {
                    if stride != 1 || x.channels != outC {
                        x = b.convBN(x, outChannels: outC, kernel: 1, stride: stride, act: nil, name: name + ".skip")
                    }
                } else {
                    let shape = FBNetSpace.opShapes[op]
                    let mid = x.channels * shape.e
                    var y = b.convBN(x, outChannels: mid, kernel: 1, groups: shape.g, act: .relu, name: name + ".expand")
                    if shape.g > 1 { y = b.channelShuffle(y, groups: shape.g, name: name + ".shuffle") }
                    y = b.convBN(y, outChannels: mid, kernel: shape.k, stride: stride, groups: mid, act: .relu, name: name + ".depthwise")
                    y = b.convBN(y, outChannels: outC, kernel: 1, groups: shape.g, act: nil, name: name + ".project")
                    x = stride == 1 && x.channels == outC ? b.sum([y, x], name: name + ".residual") : y
                }
                block += 1
            }
        }
        x = b.convBN(x, outChannels: FBNetSpace.headChannels, kernel: 1, act: .relu, name: "head")
        x = b.globalAveragePool(x, name: "pool")
        b.output(b.classifier(x, classes: FBNetSpace.classes))
        return b
    }
}
