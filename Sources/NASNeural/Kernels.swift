import CKernels
import NASCore
import Dispatch
import Foundation

/// Swift face of the CKernels numeric kernels: a blocked single-precision GEMM with a fused
/// bias + ReLU epilogue (AVX-512F or AVX2/FMA when the CPU has it, portable C otherwise), and the small
/// element-wise helpers the MLP trainer needs.
public enum Kernels {
    /// Which GEMM code path runs.
    public enum Path: Sendable {
        /// The widest the CPU supports: AVX-512F, else AVX2/FMA, else the portable C path.
        case automatic
        /// The portable C path (no SIMD intrinsics).
        case fallback
        /// The AVX2/FMA path; behaves as `.fallback` on CPUs without AVX2/FMA.
        case avx2
        /// The AVX-512F GEMM micro-kernels (wider register tiles, same bits as `.avx2`); behaves
        /// as `.avx2` on CPUs without AVX-512F.
        case avx512

        @usableFromInline var c: hw_path {
            switch self {
            case .automatic: return HW_PATH_AUTO
            case .fallback: return HW_PATH_FALLBACK
            case .avx2: return HW_PATH_AVX2
            case .avx512: return HW_PATH_AVX512
            }
        }
    }

    /// Whether this CPU runs the AVX2/FMA path (checked once).
    public static var hasAVX2FMA: Bool { hw_cpu_has_avx2_fma() != 0 }

    /// Whether this CPU runs the AVX-512F path too (checked once).
    public static var hasAVX512F: Bool { hw_cpu_has_avx512f() != 0 }

    /// Row-major `C = act(alpha * op(A) * op(B) + beta * C + bias)`, with op(A) `m x k` and
    /// op(B) `k x n`. `bias` (length `n`) may be nil; `relu` applies max(0, x). When `beta`
    /// is 0, C is only written. Pointers must cover the addressed elements.
    @inlinable
    public static func sgemm(
        path: Path = .automatic, transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>? = nil, relu: Bool = false
    ) {
        hw_sgemm(path.c, transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                 a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc), bias, relu ? 1 : 0)
    }

    /// `C = act(A * B + bias)` (`m x k` times `k x n`, row-major) by summing only the rows of B
    /// where A is non-zero: a network's first layer on one-hot rows. Bit-identical to `sgemm` on
    /// the same path for finite B. Returns false, leaving C untouched, when more than half of A
    /// is non-zero (the GEMM is then as fast).
    @inlinable
    public static func sparseInputGEMM(path: Path = .automatic, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                       b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                                       bias: UnsafePointer<Float>? = nil, relu: Bool = false) -> Bool {
        hw_sparse_input_gemm(path.c, Int32(m), Int32(n), Int32(k), a, Int32(lda), b, Int32(ldb), c, Int32(ldc),
                             bias, relu ? 1 : 0) != 0
    }

    /// `G = Xᵀ · D` (`X` is `m x k`, `D` is `m x n`, `G` is `k x n`, row-major): a first layer's
    /// weight gradient on one-hot rows, summing for each input only the rows where it is non-zero.
    /// Bit-identical to `sgemm(transA: true, m: k, n: n, k: m, a: x, b: d, c: g)` on the same path
    /// for finite D. Returns false, leaving G untouched, when more than half of X is non-zero.
    @inlinable
    public static func sparseInputWeightGradient(path: Path = .automatic, m: Int, k: Int, n: Int, x: UnsafePointer<Float>,
                                                 ldx: Int, d: UnsafePointer<Float>, ldd: Int,
                                                 g: UnsafeMutablePointer<Float>, ldg: Int) -> Bool {
        hw_sparse_input_weight_grad(path.c, Int32(m), Int32(k), Int32(n), x, Int32(ldx), d, Int32(ldd), g, Int32(ldg)) != 0
    }

    /// Floats needed to hold op(B) (`k x n`) packed by `packB`.
    public static func packedSize(k: Int, n: Int) -> Int { Int(hw_packed_b_size(Int32(k), Int32(n))) }

    /// Packs op(B) (`k x n`; B is `n x k` when `transB`) once for many `sgemmPacked` calls.
    public static func packB(transB: Bool = false, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
                             into packed: UnsafeMutablePointer<Float>) {
        hw_pack_b(transB ? 1 : 0, Int32(k), Int32(n), b, Int32(ldb), packed)
    }

    /// Packs the part of op(B) in rows `rows` and columns `cols` into `packed`, laid out as
    /// `packB` lays out all of it (the rest is left alone: disjoint parts may be packed from
    /// different threads). `cols.lowerBound` must be a multiple of 16, `cols.upperBound` too or `n`.
    public static func packBPart(transB: Bool = false, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
                                 into packed: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Range<Int>) {
        precondition(cols.lowerBound % 16 == 0 && (cols.upperBound % 16 == 0 || cols.upperBound == n), "packBPart: columns not on panels")
        hw_pack_b_part(transB ? 1 : 0, Int32(k), Int32(n), b, Int32(ldb), packed, Int32(rows.lowerBound), Int32(rows.upperBound),
                       Int32(cols.lowerBound), Int32(cols.upperBound))
    }

    /// `sgemm` with A not transposed and op(B) packed by `packB` (same k, n): bit-identical
    /// results, without re-packing B on every call.
    @inlinable
    public static func sgemmPacked(
        path: Path = .automatic, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, packedB: UnsafePointer<Float>,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>? = nil, relu: Bool = false
    ) {
        hw_sgemm_packed(path.c, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), packedB, beta, c, Int32(ldc),
                        bias, relu ? 1 : 0)
    }

    /// Array convenience for `sgemm`: tight leading dimensions (lda = cols of A as stored, etc.).
    public static func sgemm(
        path: Path = .automatic, transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1, a: [Float], b: [Float],
        beta: Float = 0, c: inout [Float], bias: [Float]? = nil, relu: Bool = false
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "sgemm: buffer too small")
        let lda = transA ? m : k
        let ldb = transB ? k : n
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if let bias {
                        bias.withUnsafeBufferPointer { pbias in
                            sgemm(path: path, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                  a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta,
                                  c: pc.baseAddress!, ldc: n, bias: pbias.baseAddress, relu: relu)
                        }
                    } else {
                        sgemm(path: path, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta,
                              c: pc.baseAddress!, ldc: n, bias: nil, relu: relu)
                    }
                }
            }
        }
    }

    /// `y[j] = Σ_i x[i*ldx + j]` over an `m x n` matrix (overwrites y, or adds when `accumulate`).
    @inlinable
    public static func columnSums(m: Int, n: Int, x: UnsafePointer<Float>, ldx: Int,
                                  into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        hw_column_sums(Int32(m), Int32(n), x, Int32(ldx), y, accumulate ? 1 : 0)
    }

    /// In place `d[i] = 0` where `a[i] <= 0`: ReLU backward through the post-activation `a`.
    @inlinable
    public static func reluBackward(count: Int, activation a: UnsafePointer<Float>,
                                    gradient d: UnsafeMutablePointer<Float>) {
        hw_relu_backward(Int32(count), a, d)
    }

    /// One Adam(W) step over `count` parameters; `step` is the 1-based update count.
    public static func adamStep(count: Int, parameters p: UnsafeMutablePointer<Float>,
                                gradients g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                                v: UnsafeMutablePointer<Float>, learningRate: Float, beta1: Float,
                                beta2: Float, epsilon: Float, step: Int, weightDecay: Float) {
        let c1 = Float(1 - pow(Double(beta1), Double(step)))
        let c2 = Float(1 - pow(Double(beta2), Double(step)))
        hw_adam_step(Int32(count), p, g, m, v, learningRate, beta1, beta2, epsilon, c1, c2, weightDecay)
    }

    /// Runs `body(range)` over `0..<count` split into at most `threads` contiguous chunks whose
    /// bounds are multiples of `granularity`, in parallel when there is more than one chunk.
    /// `body` must only write data that belongs to its own chunk.
    public static func parallelChunks(count: Int, threads: Int, granularity: Int = 1,
                                      _ body: (Range<Int>) -> Void) {
        let g = max(1, granularity)
        let units = (count + g - 1) / g
        let parts = max(1, min(threads, units))
        if parts <= 1 {
            body(0..<count)
            return
        }
        // The chunks are disjoint; `body` must only write data of its own chunk.
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let r = chunk(p, of: parts, count: count, granularity: g)
                if !r.isEmpty { work(r) }
            }
        }
    }

    /// Chunk `p` of `0..<count` split into `parts` contiguous chunks whose bounds are multiples
    /// of `granularity` (the chunks of `parallelChunks`; some may be empty).
    public static func chunk(_ p: Int, of parts: Int, count: Int, granularity: Int = 1) -> Range<Int> {
        let g = max(1, granularity)
        let units = (count + g - 1) / g
        let lo = min(count, (units * p / parts) * g)
        return lo..<max(lo, min(count, (units * (p + 1) / parts) * g))
    }

    /// Runs `job(0)`, ..., `job(count - 1)` side by side, at most `threads` at a time, and returns
    /// their results in order; when some fail, the first failure in job order is thrown (after
    /// all have ended).
    public static func concurrently<T>(_ count: Int, threads: Int = defaultThreads,
                                       _ job: (Int) throws(NASError) -> T) throws(NASError) -> [T] {
        let results = UnsafeMutableBufferPointer<Result<T, NASError>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        parallelChunks(count: count, threads: threads) { range in
            for i in range {
                do throws(NASError) { results[i] = .success(try job(i)) } catch { results[i] = .failure(error) }
            }
        }
        var out: [T] = []
        out.reserveCapacity(count)
        for r in results { out.append(try r!.get()) }
        return out
    }

    /// Worker threads to use for large batches: the machine's cores, at most 2 by default. Read
    /// once: Foundation reads the cgroup's CPU quota from files on every `activeProcessorCount`,
    /// which cost an OFA evolution (two small predictions per generation) 8% of its time.
    public static let defaultThreads: Int = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
}
