import Foundation

/// An MLP's weights packed for `Kernels.sgemmPacked`, every layer in one buffer, made on the
/// first forward pass and kept: a search predicts ~100 rows at a time thousands of times, and
/// packing the weights on every call cost about a third of its forward time. The MLP replaces
/// it (a new, empty one) whenever its weights or layer sizes change.
final class PackedWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: UnsafeMutablePointer<Float>?
    private var layers: [UnsafePointer<Float>] = []

    /// Each layer's packed weights of `net` (packed now if this is the first call).
    func layers(of net: MLP) -> [UnsafePointer<Float>] {
        lock.lock()
        defer { lock.unlock() }
        if buffer != nil { return layers }
        var offsets: [Int] = []
        var total = 0
        for l in 0..<net.layerCount {
            offsets.append(total)
            total += Kernels.packedSize(k: net.layerSizes[l], n: net.layerSizes[l + 1])
        }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        for l in 0..<net.layerCount {
            net.weights[l].withUnsafeBufferPointer { w in
                Kernels.packB(k: net.layerSizes[l], n: net.layerSizes[l + 1], b: w.baseAddress!, ldb: net.layerSizes[l + 1],
                              into: p + offsets[l])
            }
        }
        buffer = p
        layers = offsets.map { UnsafePointer(p + $0) }
        return layers
    }

    deinit { buffer?.deallocate() }
}
