import XCTest
import NASCore
@testable import NASNeural

/// `LinearSolver.choleskySolve` reorders the Cholesky loops for speed; it must return exactly
/// (bit for bit) what the textbook loops return, since every adaptation choice downstream
/// compares scores computed from its solutions.
final class LinearSolverTests: XCTestCase {
    /// The textbook row-by-row Cholesky–Crout solve, one dot product per entry (the order the
    /// solver must reproduce).
    func textbookSolve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            l[j * n + j] = d.squareRoot()
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / l[j * n + j]
            }
        }
        var z = b
        for i in 0..<n {
            var s = z[i]
            for k in 0..<i { s -= l[i * n + k] * z[k] }
            z[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = z[i]
            for k in (i + 1)..<max(n, i + 1) { s -= l[k * n + i] * z[k] }
            z[i] = s / l[i * n + i]
        }
        return z
    }

    /// Normal equations as the adaptation heads build them: few rows of sparse 0/1 columns plus a
    /// dense column, a ridge on the diagonal (the shape of FBNet's counts+one-hot fits).
    func normalEquations(rows: Int, columns n: Int, ridge: Double, rng: inout SeededGenerator) -> (a: [Double], b: [Double]) {
        var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
        for _ in 0..<rows {
            var x = [Double](repeating: 0, count: n)
            x[0] = 1
            if n > 1 { x[1] = rng.nextGaussian() }
            for c in 2..<max(n, 2) where rng.nextDouble() < 0.15 { x[c] = 1 }
            let t = rng.nextGaussian()
            for i in 0..<n where x[i] != 0 {
                b[i] += x[i] * t
                for j in 0..<n { a[i * n + j] += x[i] * x[j] }
            }
        }
        for c in 0..<n { a[c * n + c] += ridge }
        return (a, b)
    }

    func testBitIdenticalToTextbookLoops() throws {
        var rng = SeededGenerator(seed: 7)
        var compared = 0
        for n in [1, 2, 3, 5, 8, 17, 40, 64, 131, 209] {
            for (rows, ridge) in [(16, 3.0), (16, 1e-8), (4 * n, 0.3), (3, 30.0)] {
                let (a, b) = normalEquations(rows: rows, columns: n, ridge: ridge, rng: &rng)
                let expected = try XCTUnwrap(textbookSolve(a, b, n: n), "n \(n) rows \(rows)")
                let got = try LinearSolver.choleskySolve(a, b, n: n)
                XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), "n \(n) rows \(rows) ridge \(ridge)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 40)
    }

    func testSolvesAndRejectsLikeTheTextbook() throws {
        // A known system: [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0].
        XCTAssertEqual(try LinearSolver.choleskySolve([4, 2, 2, 3], [2, 1], n: 2), [0.5, 0])
        // Not positive definite at column 1 (singular): the same column is reported.
        XCTAssertNil(textbookSolve([1, 1, 1, 1], [1, 1], n: 2))
        XCTAssertThrowsError(try LinearSolver.choleskySolve([1, 1, 1, 1], [1, 1], n: 2)) { error in
            XCTAssertTrue("\(error)".contains("column 1"), "\(error)")
        }
        XCTAssertEqual(try LinearSolver.choleskySolve([], [], n: 0), [])
    }
}
