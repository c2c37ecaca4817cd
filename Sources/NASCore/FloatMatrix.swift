/// A dense row-major matrix of `Float`, the currency between encoders and predictors.
public struct FloatMatrix: Sendable, Equatable {
    /// Number of rows (one per architecture or sample).
    public var rows: Int
    /// Number of columns (the encoding dimension).
    public var cols: Int
    /// `rows * cols` values, row after row.
    public var storage: [Float]

    /// A zero-filled matrix.
    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: 0, count: rows * cols)
    }

    /// Wraps existing storage; `storage.count` must be `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "FloatMatrix storage size mismatch")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Element access.
    @inlinable
    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// A copy of one row.
    public func row(_ r: Int) -> [Float] {
        Array(storage[(r * cols)..<((r + 1) * cols)])
    }

    /// The rows at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> FloatMatrix {
        var out = FloatMatrix(rows: indices.count, cols: cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for (k, r) in indices.enumerated() {
                    let s = src.baseAddress! + r * cols
                    (dst.baseAddress! + k * cols).update(from: s, count: cols)
                }
            }
        }
        return out
    }

    /// This matrix with the columns of `other` appended on the right (same row count).
    public func concatenatingColumns(_ other: FloatMatrix) -> FloatMatrix {
        precondition(rows == other.rows, "row count mismatch")
        var out = FloatMatrix(rows: rows, cols: cols + other.cols)
        for r in 0..<rows {
            for c in 0..<cols { out.storage[r * out.cols + c] = storage[r * cols + c] }
            for c in 0..<other.cols { out.storage[r * out.cols + cols + c] = other.storage[r * other.cols + c] }
        }
        return out
    }
}
