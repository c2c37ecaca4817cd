import NASCore
import NASSpaces

/// NAS-Bench-201's CIFAR TinyNetwork around a cell: stem 3x3 conv 3->16 + BN; 3 stages of 5
/// cells at 32/16/8 px with 16/32/64 channels, joined by ResNet reduction blocks (ReLU-conv3x3
/// s2-BN, ReLU-conv3x3-BN, plus 2x2 average pooling and a 1x1 conv on the shortcut); final BN +
/// ReLU, global pooling, linear 64->10.
///
/// A cell node is the sum of its incoming edges: `nor_conv_kxk` is ReLU-conv(kxk)-BN,
/// `avg_pool_3x3` average pooling (stride 1, padding not counted), `skip_connect` the node
/// itself, and `none` the node times zero, as PyTorch's NAS-Bench-201 code computes it (so
/// operations feeding only `none` edges still run and a node whose inputs are all `none` is a
/// zero tensor computed from the input). With `pruneDead`, only edges on a path from the cell
/// input to its output are built, and a cell without such a path outputs its input times zero.
public struct NB201Network: NetworkBuilder {
    public init() {}
    public var spaceID: String { "nb201" }
    public var fixedResolution: Int? { 32 }

    public func build(_ arch: Architecture, resolution: Int, batch: Int, pruneDead: Bool) -> GraphBuilder {
        var b = GraphBuilder(name: "nb201", batch: batch, inputChannels: 3, inputSize: resolution)
        let live = pruneDead ? NB201Space().dataPathDecisions(arch) ?? [] : [Bool](repeating: true, count: 6)
        var x = b.conv(b.input, outChannels: 16, kernel: 3, bias: .foldedBN, name: "stem")
        for stage in 0..<3 {
            if stage > 0 { x = reduction(&b, x, outChannels: x.channels * 2, name: "stage\(stage).reduce") }
            for c in 0..<5 {
                x = cell(&b, x, arch: arch, live: live, pruneDead: pruneDead, name: "stage\(stage).cell\(c)")
            }
        }
        x = b.batchNorm(x, name: "lastact.bn")
        x = b.relu(x, name: "lastact.relu")
        x = b.globalAveragePool(x, name: "pool")
        b.output(b.classifier(x, classes: 10))
        return b
    }

    /// ReLU-conv-BN.
    private func reluConvBN(_ b: inout GraphBuilder, _ x: TensorValue, outChannels: Int, kernel: Int, stride: Int = 1,
                            name: String) -> TensorValue {
        let y = b.relu(x, name: name + ".relu")
        return b.conv(y, outChannels: outChannels, kernel: kernel, stride: stride, bias: .foldedBN, name: name)
    }

    /// NAS-Bench-201's ResNetBasicblock with stride 2.
    private func reduction(_ b: inout GraphBuilder, _ x: TensorValue, outChannels: Int, name: String) -> TensorValue {
        let a = reluConvBN(&b, x, outChannels: outChannels, kernel: 3, stride: 2, name: name + ".conv_a")
        let main = reluConvBN(&b, a, outChannels: outChannels, kernel: 3, name: name + ".conv_b")
        let pooled = b.averagePool(x, kernel: 2, stride: 2, pad: 0, name: name + ".shortcut.pool")
        let shortcut = b.conv(pooled, outChannels: outChannels, kernel: 1, bias: .none, name: name + ".shortcut.conv")
        return b.sum([shortcut, main], name: name + ".add")
    }

    private func cell(_ b: inout GraphBuilder, _ input: TensorValue, arch: Architecture, live: [Bool], pruneDead: Bool,
                      name: String) -> TensorValue {
        var nodes: [TensorValue?] = [input, nil, nil, nil]
        for target in 1...3 {
            var terms: [TensorValue] = []
            for (e, edge) in NB201Space.edges.enumerated() where edge.to == target && live[e] {
                guard let source = nodes[edge.from] else { continue }
                let edgeName = "\(name).edge\(edge.to)<-\(edge.from)"
                switch NB201Space.ops[Int(arch.genes[e])] {
                case "none": terms.append(b.zeros(like: source, name: edgeName + ".none"))
                case "skip_connect": terms.append(source)
                case "nor_conv_1x1": terms.append(reluConvBN(&b, source, outChannels: source.channels, kernel: 1, name: edgeName + ".conv1x1"))
                case "nor_conv_3x3": terms.append(reluConvBN(&b, source, outChannels: source.channels, kernel: 3, name: edgeName + ".conv3x3"))
                default: terms.append(b.averagePool(source, kernel: 3, stride: 1, pad: 1, name: edgeName + ".avgpool"))
                }
            }
            if !terms.isEmpty {
                nodes[target] = b.sum(terms, name: "\(name).node\(target)")
            } else if target == 3 || !pruneDead {
                nodes[target] = b.zeros(like: input, name: "\(name).node\(target).zero")
            }
        }
        return nodes[3]!
    }
}
