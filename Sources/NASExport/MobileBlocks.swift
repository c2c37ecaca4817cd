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
