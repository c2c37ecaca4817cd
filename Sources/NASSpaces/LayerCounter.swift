import NASCore

/// Accumulates MACs and parameters layer by layer, with the convention of OFA's counter:
/// MACs of convolutions and linear layers only (output elements x input channels per group x
/// kernel area, plus one per output element for a bias); parameters of every weight, bias and
/// BN scale/shift.
struct LayerCounter {
    var macs = 0.0
    var params = 0.0

    var cost: ArchitectureCost { ArchitectureCost(macs: macs, params: params) }

    /// A square convolution producing `outH` x `outH` x `outC`.
    mutating func conv(inC: Int, outC: Int, k: Int, outH: Int, groups: Int = 1, bias: Bool = false, bn: Bool = false) {
        let perOut = Double(inC / groups * k * k) + (bias ? 1 : 0)
        macs += Double(outH * outH * outC) * perOut
        params += Double(outC * (inC / groups) * k * k) + (bias ? Double(outC) : 0)
        if bn { batchNorm(outC) }
    }

    /// A fully connected layer.
    mutating func linear(inF: Int, outF: Int, bias: Bool) {
        macs += Double(inF * outF)
        params += Double(inF * outF) + (bias ? Double(outF) : 0)
    }

    /// Batch-norm parameters (no MACs).
    mutating func batchNorm(_ c: Int) {
        params += Double(2 * c)
    }

    /// A mobile inverted bottleneck (1x1 expand unless `mid == inC` and `expand1x1` is false,
    /// kxk depthwise, optional squeeze-and-excite, 1x1 project; BN after each conv). Returns the
    /// output resolution.
    @discardableResult
    mutating func invertedBottleneck(inC: Int, outC: Int, mid: Int, k: Int, stride: Int, inH: Int,
                                     expand: Bool, se: Bool) -> Int {
        let outH = (inH - 1) / stride + 1
        if expand { conv(inC: inC, outC: mid, k: 1, outH: inH, bn: true) }
        conv(inC: mid, outC: mid, k: k, outH: outH, groups: mid, bn: true)
        if se {
            let r = makeDivisible(mid / 4, 8)
            conv(inC: mid, outC: r, k: 1, outH: 1, bias: true)
            conv(inC: r, outC: mid, k: 1, outH: 1, bias: true)
        }
        conv(inC: mid, outC: outC, k: 1, outH: outH, bn: true)
        return outH
    }
}

/// OFA's `make_divisible`: rounds to the nearest multiple of `divisor`, never below 90% of `v`.
public func makeDivisible(_ v: Int, _ divisor: Int) -> Int {
    var n = max(divisor, (v + divisor / 2) / divisor * divisor)
    if Double(n) < 0.9 * Double(v) { n += divisor }
    return n
}
