import NASSpaces

/// The activations of the mobile spaces.
public enum Activation: Sendable {
    case relu, relu6, hardSwish
}

extension GraphBuilder {
    /// `x` through `act`.
    public mutating func activation(_ x: TensorValue, _ act: Activation, name: String) -> TensorValue {
        switch act {
        case .relu: relu(x, name: name)
        case .relu6: relu6(x, name: name)
        case .hardSwish: hardSwish(x, name: name)
        }
    }

    /// Conv + folded BN, then the activation when one is given.
    public mutating func convBN(_ x: TensorValue, outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
                                act: Activation?, name: String) -> TensorValue {
        let y = conv(x, outChannels: outChannels, kernel: kernel, stride: stride, groups: groups, bias: .foldedBN, name: name)
        return act.map { activation(y, $0, name: name + ".act") } ?? y
    }

    /// OFA's squeeze-and-excite: global pooling, 1x1 conv to make_divisible(C / 4, 8) (bias),
    /// ReLU, 1x1 conv back (bias), h-sigmoid, channel-wise product with `x`.
    public mutating func squeezeExcite(_ x: TensorValue, reduced: Int, name: String) -> TensorValue {
        var y = globalAveragePool(x, name: name + ".pool")
        y = conv(y, outChannels: reduced, kernel: 1, bias: .native, name: name + ".reduce")
        y = relu(y, name: name + ".relu")
        y = conv(y, outChannels: x.channels, kernel: 1, bias: .native, name: name + ".expand")
        y = hardSigmoid(y, name: name + ".gate")
        return mul(x, y, name: name + ".scale")
    }

    /// A mobile inverted bottleneck (OFA's `MBConvLayer`): 1x1 expand to `mid` + BN + act (when
    /// `expand`), kxk depthwise (stride) + BN + act, squeeze-and-excite (when `seReduced` is
    /// given), 1x1 project + BN (linear); plus the input when stride is 1 and the width is kept.
    public mutating func invertedBottleneck(_ x: TensorValue, outChannels: Int, mid: Int, kernel: Int, stride: Int,
                                            expand: Bool, seReduced: Int?, act: Activation, name: String) -> TensorValue {
        var y = x
        if expand { y = convBN(y, outChannels: mid, kernel: 1, act: act, name: name + ".expand") }
        y = convBN(y, outChannels: mid, kernel: kernel, stride: stride, groups: mid, act: act, name: name + ".depthwise")
        if let r = seReduced { y = squeezeExcite(y, reduced: r, name: name + ".se") }
        y = convBN(y, outChannels: outChannels, kernel: 1, act: nil, name: name + ".project")
        if stride == 1 && x.channels == outChannels { y = sum([y, x], name: name + ".residual") }
        return y
    }

    /// The classifier: flatten `N x C x 1 x 1` and a linear layer with bias.
    public mutating func classifier(_ x: TensorValue, classes: Int) -> TensorValue {
        linear(flatten(x, name: "classifier.flatten"), outFeatures: classes, name: "classifier")
    }
}

/// The elastic stages of OFA's mobile networks (MobileNetV3, MobileNetV2), per stage: its
/// maximum depth, output channels, first stride, activation and whether its layers have
/// squeeze-and-excite.
public struct ElasticStages: Sendable {
    /// Layers per stage at most (the arch's `ks`/`e` lists hold this many per stage).
    public var maxDepths: [Int]
    /// Output channels per stage.
    public var channels: [Int]
    /// Stride of each stage's first layer (the others have 1).
    public var strides: [Int]
    /// Activation per stage.
    public var activations: [Activation]
    /// Squeeze-and-excite (to make_divisible(mid / 4, 8)) per stage.
    public var squeezeExcite: [Bool]

    /// The stages; every list has one entry per stage.
    public init(maxDepths: [Int], channels: [Int], strides: [Int], activations: [Activation], squeezeExcite: [Bool]) {
        self.maxDepths = maxDepths
        self.channels = channels
        self.strides = strides
        self.activations = activations
        self.squeezeExcite = squeezeExcite
    }
}

extension GraphBuilder {
    /// `x` through `stages`: stage `s` runs `depths[s]` inverted bottlenecks; its layer `j` is
    /// the arch's layer `l` = (maximum depths of the stages before) + `j`, with kernel `ks[l]`
    /// and mid = make_divisible(in * `e[l]`, 8). Layers are named `stage<s>.layer<j>`.
    public mutating func elasticStages(_ x: TensorValue, _ stages: ElasticStages, depths: [Int], ks: [Int], e: [Int]) -> TensorValue {
        var x = x
        for s in 0..<stages.maxDepths.count {
            let first = stages.maxDepths[..<s].reduce(0, +)
            for j in 0..<depths[s] {
                let l = first + j
                let mid = makeDivisible(x.channels * e[l], 8)
                x = invertedBottleneck(x, outChannels: stages.channels[s], mid: mid, kernel: ks[l],
                                       stride: j == 0 ? stages.strides[s] : 1, expand: true,
                                       seReduced: stages.squeezeExcite[s] ? makeDivisible(mid / 4, 8) : nil,
                                       act: stages.activations[s], name: "stage\(s).layer\(j)")
            }
        }
        return x
    }
}
