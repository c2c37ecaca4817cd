import NASCore

/// The NB201 graph encoding for GCN predictors: the cell as an op-on-node DAG (as BRP-NAS/HELP
/// do), 8 nodes = input, the 6 edge ops in gene order, output.
///
/// Layout: 64 adjacency entries `A[from * 8 + to]` (1 when node `from` feeds node `to`), then
/// 8 x 7 node features, one-hot over [input, output, none, skip_connect, nor_conv_1x1,
/// nor_conv_3x3, avg_pool_3x3]. Edge-op node (j<-i) is fed by the input when i == 0, else by every
/// edge-op node whose target is i; the output node is fed by the three edges into cell node 3.
enum NB201Graph {
    static let nodes = 8
    static let kinds = ["input", "output"] + NB201Space.ops
    static let dimension = nodes * nodes + nodes * 7

    /// Adjacency pairs (from, to), fixed for every cell.
    static let adjacency: [(Int, Int)] = {
        var pairs: [(Int, Int)] = []
        for (e, edge) in NB201Space.edges.enumerated() {
            let node = e + 1
            if edge.from == 0 {
                pairs.append((0, node))
            } else {
                for (f, other) in NB201Space.edges.enumerated() where other.to == edge.from {
                    pairs.append((f + 1, node))
                }
            }
            if edge.to == 3 { pairs.append((node, 7)) }
        }
        return pairs
    }()

    static func encode(_ arch: Architecture, into out: UnsafeMutableBufferPointer<Float>) {
        for (f, t) in adjacency { out[f * nodes + t] = 1 }
        let base = nodes * nodes
        out[base + 0] = 1                       // node 0: input
        for e in 0..<6 { out[base + (e + 1) * 7 + 2 + Int(arch.genes[e])] = 1 }
        out[base + 7 * 7 + 1] = 1               // node 7: output
    }

    static var info: [EncodingDimension] {
        var dims: [EncodingDimension] = []
        func nodeName(_ n: Int) -> String {
            n == 0 ? "input" : n == 7 ? "output" : "edge(\(NB201Space.edges[n - 1].to)<-\(NB201Space.edges[n - 1].from))"
        }
        for f in 0..<nodes {
            for t in 0..<nodes {
                dims.append(EncodingDimension(index: f * nodes + t, name: "adj[\(f)][\(t)]", kind: "adjacency",
                                              description: "1 when node \(f) (\(nodeName(f))) feeds node \(t) (\(nodeName(t)))"))
            }
        }
        for n in 0..<nodes {
            for (k, kind) in kinds.enumerated() {
                dims.append(EncodingDimension(index: nodes * nodes + n * 7 + k, name: "node\(n)=\(kind)", kind: "onehot",
                                              description: "1 when node \(n) (\(nodeName(n))) is \(kind)"))
            }
        }
        return dims
    }
}
