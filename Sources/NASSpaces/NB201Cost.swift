import NASCore

/// MACs and parameters of the NAS-Bench-201 CIFAR network around a cell: stem 3x3 conv 3->16,
/// 3 stages of 5 cells (16/32/64 channels at 32/16/8 px) joined by ResNet reduction blocks,
/// BN + global pooling + a 64->10 classifier. nor_conv_kxk is ReLU-Conv(kxk, no bias)-BN;
/// pooling, skip and none cost no MACs. BN parameters (scale and shift) are counted.
enum NB201Cost {
    static func cost(of arch: Architecture) -> ArchitectureCost {
        var c = LayerCounter()
        c.conv(inC: 3, outC: 16, k: 3, outH: 32, bn: true)
        var channels = 16, h = 32
        for stage in 0..<3 {
            if stage > 0 {
                let outC = channels * 2
                h /= 2
                c.conv(inC: channels, outC: outC, k: 3, outH: h, bn: true)
                c.conv(inC: outC, outC: outC, k: 3, outH: h, bn: true)
                c.conv(inC: channels, outC: outC, k: 1, outH: h)
                channels = outC
            }
            for _ in 0..<5 {
                for g in arch.genes {
                    switch g {
                    case 2: c.conv(inC: channels, outC: channels, k: 1, outH: h, bn: true)
                    case 3: c.conv(inC: channels, outC: channels, k: 3, outH: h, bn: true)
                    default: break
                    }
                }
            }
        }
        c.batchNorm(channels)
        c.linear(inF: channels, outF: 10, bias: true)
        return c.cost
    }
}
