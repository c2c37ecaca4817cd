/// A value in a graph under construction: its name and its shape without the batch dimension
/// (`channels x size x size`, or `channels` features once flattened, `size` 0).
public struct TensorValue: Sendable, Equatable {
    public var name: String
    public var channels: Int
    public var size: Int
}

/// Where a convolution's bias comes from.
public enum ConvBias: Sendable {
    /// No bias (a conv without BN, e.g. NB201's 1x1 shortcut or OFA's feature-mix conv).
    case none
    /// The conv's own bias (e.g. OFA's squeeze-and-excite convs): its own MACs and parameters.
    case native
    /// A batch norm folded into the conv: scale into the weights, shift into a bias named
    /// `.bn_bias`. Counted as the unfolded BN is: 2 parameters per channel, no MACs.
    case foldedBN
}

/// Builds an ONNX graph layer by layer (NCHW, square feature maps) and counts its MACs and
/// parameters with the convention of the spaces' cost models (`LayerCounter` in NASSpaces): MACs
/// of convolutions and linear layers per sample (output elements x input channels per group x
/// kernel area, plus one per output element for a native conv bias); parameters of every weight
/// and bias, 2 per channel for each batch norm (folded or not).
public struct GraphBuilder: Sendable {
    /// The graph so far.
    public private(set) var graph: ONNXGraph
    /// Multiply-accumulates of one sample.
    public private(set) var macs = 0.0
    /// Parameters, batch norms counted unfolded.
    public private(set) var params = 0.0
    /// The batch size of the graph's input and output.
    public let batch: Int
    private var counter = 0

    /// A graph named `name` whose input is `batch x channels x size x size` float `input`.
    public init(name: String, batch: Int, inputChannels: Int, inputSize: Int) {
        self.batch = batch
        graph = ONNXGraph(name: name)
        graph.inputs = [ONNXValueInfo(name: "input", dims: [batch, inputChannels, inputSize, inputSize])]
    }

    /// The graph input.
    public var input: TensorValue { TensorValue(name: "input", channels: graph.inputs[0].dims[1], size: graph.inputs[0].dims[2]) }

    /// Marks `x` as the graph output, named `logits`, through an Identity node.
    public mutating func output(_ x: TensorValue) {
        let y = node("Identity", [x.name], name: "output", outputName: "logits")
        graph.outputs = [ONNXValueInfo(name: y, dims: x.size == 0 ? [batch, x.channels] : [batch, x.channels, x.size, x.size])]
    }

    // MARK: Layers

    /// A square convolution, padding k/2 ("same" for odd k), output size (size - 1) / stride + 1.
    public mutating func conv(_ x: TensorValue, outChannels: Int, kernel k: Int, stride: Int = 1, groups: Int = 1,
                              bias: ConvBias, name: String) -> TensorValue {
        precondition(x.channels % groups == 0 && outChannels % groups == 0, "\(name): channels not divisible by groups")
        let outSize = (x.size + 2 * (k / 2) - k) / stride + 1
        let perGroup = x.channels / groups
        let weight = addInitializer(name + ".weight", [outChannels, perGroup, k, k], .weight(fanIn: perGroup * k * k))
        var inputs = [x.name, weight]
        switch bias {
        case .none: break
        case .native: inputs.append(addInitializer(name + ".bias", [outChannels], .bias))
        case .foldedBN: inputs.append(addInitializer(name + ".bn_bias", [outChannels], .bias))
        }
        let out = Double(outSize * outSize * outChannels)
        macs += out * (Double(perGroup * k * k) + (bias == .native ? 1 : 0))
        params += Double(outChannels * perGroup * k * k)
            + (bias == .native ? Double(outChannels) : bias == .foldedBN ? Double(2 * outChannels) : 0)
        let p = k / 2
        let y = node("Conv", inputs, name: name, attributes: [
            ("group", .int(groups)), ("kernel_shape", .ints([k, k])), ("pads", .ints([p, p, p, p])),
            ("strides", .ints([stride, stride])),
        ])
        return TensorValue(name: y, channels: outChannels, size: outSize)
    }

    /// A batch norm that cannot be folded into a conv (it follows a sum), as `x * scale + shift`
    /// with per-channel `.bn_scale` and `.bn_shift`: 2 parameters per channel, no MACs.
    public mutating func batchNorm(_ x: TensorValue, name: String) -> TensorValue {
        let scale = addInitializer(name + ".bn_scale", [x.channels, 1, 1], .scale)
        let shift = addInitializer(name + ".bn_shift", [x.channels, 1, 1], .bias)
        params += Double(2 * x.channels)
        let scaled = node("Mul", [x.name, scale], name: name + ".scale")
        return same(x, node("Add", [scaled, shift], name: name + ".shift"))
    }

    /// ReLU.
    public mutating func relu(_ x: TensorValue, name: String) -> TensorValue {
        same(x, node("Relu", [x.name], name: name))
    }

    /// ReLU6, as Clip(0, 6).
    public mutating func relu6(_ x: TensorValue, name: String) -> TensorValue {
        let lo = constant("const.zero", [0]), hi = constant("const.six", [6])
        return same(x, node("Clip", [x.name, lo, hi], name: name))
    }

    /// h-swish: x * relu6(x + 3) / 6.
    public mutating func hardSwish(_ x: TensorValue, name: String) -> TensorValue {
        same(x, node("HardSwish", [x.name], name: name))
    }

    /// h-sigmoid: relu6(x + 3) / 6.
    public mutating func hardSigmoid(_ x: TensorValue, name: String) -> TensorValue {
        same(x, node("HardSigmoid", [x.name], name: name, attributes: [("alpha", .float(1.0 / 6.0)), ("beta", .float(0.5))]))
    }

    /// Element-wise sum of same-shaped values (a chain of Adds; one value is returned as is).
    public mutating func sum(_ xs: [TensorValue], name: String) -> TensorValue {
        precondition(!xs.isEmpty)
        var acc = xs[0]
        for (i, x) in xs.dropFirst().enumerated() {
            precondition(x.channels == acc.channels && x.size == acc.size, "\(name): adding different shapes")
            acc = same(acc, node("Add", [acc.name, x.name], name: xs.count > 2 ? "\(name).\(i)" : name))
        }
        return acc
    }

    /// Element-wise product with broadcasting of `y` (e.g. SE's channel weights).
    public mutating func mul(_ x: TensorValue, _ y: TensorValue, name: String) -> TensorValue {
        same(x, node("Mul", [x.name, y.name], name: name))
    }

    /// A zero tensor of `x`'s shape computed from `x` (x * 0), so no runtime folds it into a
    /// constant and it keeps `x`'s producers alive, as PyTorch's NAS-Bench-201 `none` op does.
    public mutating func zeros(like x: TensorValue, name: String) -> TensorValue {
        let zero = constant("const.zero", [0])
        return same(x, node("Mul", [x.name, zero], name: name))
    }

    /// Global average pooling to 1 x 1.
    public mutating func globalAveragePool(_ x: TensorValue, name: String) -> TensorValue {
        TensorValue(name: node("GlobalAveragePool", [x.name], name: name), channels: x.channels, size: 1)
    }

    /// Average pooling, padding k/2 without counting the padding (PyTorch `count_include_pad=False`).
    public mutating func averagePool(_ x: TensorValue, kernel k: Int, stride: Int, pad: Int, name: String) -> TensorValue {
        let y = node("AveragePool", [x.name], name: name, attributes: [
            ("count_include_pad", .int(0)), ("kernel_shape", .ints([k, k])), ("pads", .ints([pad, pad, pad, pad])),
            ("strides", .ints([stride, stride])),
        ])
        return TensorValue(name: y, channels: x.channels, size: (x.size + 2 * pad - k) / stride + 1)
    }

    /// Channel shuffle of `groups` (ShuffleNet's): reshape to (g, C/g), transpose, reshape back.
    public mutating func channelShuffle(_ x: TensorValue, groups: Int, name: String) -> TensorValue {
        let split = constant("const.\(name).split", int64s: [batch, groups, x.channels / groups, x.size, x.size])
        let merged = constant("const.\(name).merge", int64s: [batch, x.channels, x.size, x.size])
        let a = node("Reshape", [x.name, split], name: name + ".split")
        let b = node("Transpose", [a], name: name + ".transpose", attributes: [("perm", .ints([0, 2, 1, 3, 4]))])
        return same(x, node("Reshape", [b, merged], name: name + ".merge"))
    }

    /// Flattens `N x C x 1 x 1` to `N x C`.
    public mutating func flatten(_ x: TensorValue, name: String) -> TensorValue {
        TensorValue(name: node("Flatten", [x.name], name: name, attributes: [("axis", .int(1))]),
                    channels: x.channels * max(1, x.size * x.size), size: 0)
    }

    /// A fully connected layer with bias (Gemm, weight `out x in`).
    public mutating func linear(_ x: TensorValue, outFeatures: Int, name: String) -> TensorValue {
        let w = addInitializer(name + ".weight", [outFeatures, x.channels], .weight(fanIn: x.channels))
        let b = addInitializer(name + ".bias", [outFeatures], .bias)
        macs += Double(x.channels * outFeatures)
        params += Double(x.channels * outFeatures + outFeatures)
        let y = node("Gemm", [x.name, w, b], name: name, attributes: [("transB", .int(1))])
        return TensorValue(name: y, channels: outFeatures, size: 0)
    }

    // MARK: Plumbing

    private func same(_ x: TensorValue, _ name: String) -> TensorValue {
        TensorValue(name: name, channels: x.channels, size: x.size)
    }

    private mutating func node(_ op: String, _ inputs: [String], name: String, outputName: String? = nil,
                               attributes: [(String, ONNXAttributeValue)] = []) -> String {
        counter += 1
        let out = outputName ?? "\(name):\(counter)"
        graph.nodes.append(ONNXNode(opType: op, inputs: inputs, outputs: [out], name: "\(name)#\(counter)", attributes: attributes))
        return out
    }

    private mutating func addInitializer(_ name: String, _ dims: [Int], _ content: InitializerContent) -> String {
        precondition(!graph.initializers.contains { $0.name == name }, "duplicate initializer \(name)")
        graph.initializers.append(ONNXInitializer(name: name, dims: dims, content: content))
        return name
    }

    /// A scalar float constant, shared by name.
    private mutating func constant(_ name: String, _ values: [Float]) -> String {
        if !graph.initializers.contains(where: { $0.name == name }) {
            graph.initializers.append(ONNXInitializer(name: name, dims: [], content: .floats(values)))
        }
        return name
    }

    private mutating func constant(_ name: String, int64s values: [Int]) -> String {
        if !graph.initializers.contains(where: { $0.name == name }) {
            graph.initializers.append(ONNXInitializer(name: name, dims: [values.count], content: .int64s(values)))
        }
        return name
    }
}
