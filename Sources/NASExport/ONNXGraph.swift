/// An ONNX node attribute (only the kinds the exporters use).
public enum ONNXAttributeValue: Sendable, Equatable {
    case int(Int)
    case ints([Int])
    case float(Float)
}

/// One ONNX operator application.
public struct ONNXNode: Sendable, Equatable {
    /// The operator, e.g. `Conv`.
    public var opType: String
    /// Input value names, in the operator's order.
    public var inputs: [String]
    /// Output value names.
    public var outputs: [String]
    /// A unique node name.
    public var name: String
    /// Attributes by name, in the order they are written.
    public var attributes: [(String, ONNXAttributeValue)]

    /// Makes a node.
    public init(opType: String, inputs: [String], outputs: [String], name: String, attributes: [(String, ONNXAttributeValue)] = []) {
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.name = name
        self.attributes = attributes
    }

    public static func == (a: ONNXNode, b: ONNXNode) -> Bool {
        a.opType == b.opType && a.inputs == b.inputs && a.outputs == b.outputs && a.name == b.name
            && a.attributes.map(\.0) == b.attributes.map(\.0) && a.attributes.map(\.1) == b.attributes.map(\.1)
    }
}

/// What an initializer holds. Weights are filled at serialization time, so a graph can be
/// built, inspected and counted without materializing millions of floats.
public enum InitializerContent: Sendable, Equatable {
    /// A learned weight: uniform in ±sqrt(3 / fanIn) (variance 1 / fanIn), or zeros.
    case weight(fanIn: Int)
    /// A learned bias or BN shift: uniform in ±0.1, or zeros.
    case bias
    /// A BN scale (not folded): uniform in [0.5, 1.5], or zeros.
    case scale
    /// Fixed float values (e.g. the scalar 0 of a zero tensor, Clip bounds); never randomized.
    case floats([Float])
    /// Fixed int64 values (e.g. a Reshape target shape).
    case int64s([Int])
}

/// A named constant tensor of the graph.
public struct ONNXInitializer: Sendable, Equatable {
    /// The value name; learned parameters end in `.weight`, `.bias`, `.bn_bias`, `.bn_scale` or
    /// `.bn_shift`, fixed constants start with `const.` (see protocol/export.md).
    public var name: String
    /// Shape.
    public var dims: [Int]
    /// What it holds.
    public var content: InitializerContent

    /// Makes an initializer.
    public init(name: String, dims: [Int], content: InitializerContent) {
        self.name = name
        self.dims = dims
        self.content = content
    }

    /// Number of elements.
    public var count: Int { dims.reduce(1, *) }
    /// Whether this is a learned parameter (counted in `params`).
    public var isParameter: Bool {
        switch content {
        case .weight, .bias, .scale: true
        case .floats, .int64s: false
        }
    }
}

/// A graph input or output: a float tensor of fixed shape.
public struct ONNXValueInfo: Sendable, Equatable {
    public var name: String
    public var dims: [Int]

    /// Makes a value info.
    public init(name: String, dims: [Int]) {
        self.name = name
        self.dims = dims
    }
}

/// A whole ONNX graph, ready to serialize.
public struct ONNXGraph: Sendable, Equatable {
    public var name: String
    public var nodes: [ONNXNode] = []
    public var initializers: [ONNXInitializer] = []
    public var inputs: [ONNXValueInfo] = []
    public var outputs: [ONNXValueInfo] = []

    /// An empty graph.
    public init(name: String) { self.name = name }
}
