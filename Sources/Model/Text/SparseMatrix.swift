/// A sparse matrix in compressed rows (CSR): for row r, entries offsets[r]..<offsets[r+1] of
/// `columns` and `values`. Used for document × word weights (TF-IDF).
public struct SparseMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public let offsets: [Int]
    public let indices: [Int32]
    public let values: [Float]

    public init(rows: Int, columns: Int, offsets: [Int], indices: [Int32], values: [Float]) {
        precondition(offsets.count == rows + 1 && indices.count == values.count)
        self.rows = rows
        self.columns = columns
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    public var nonZeros: Int { values.count }

    public func row(_ r: Int) -> (indices: ArraySlice<Int32>, values: ArraySlice<Float>) {
        (indices[offsets[r]..<offsets[r + 1]], values[offsets[r]..<offsets[r + 1]])
    }

    /// The dense [rows, columns] matrix (zeros where nothing is stored). The caller checks the size.
    public func dense() -> Tensor {
        let out = Tensor(zeros: Shape(rows, columns))
        for r in 0..<rows {
            for k in offsets[r]..<offsets[r + 1] { out.pointer[r * columns + Int(indices[k])] += values[k] }
        }
        return out
    }

    /// self @ dense: [rows, columns] × [columns, d] → [rows, d].
    public func multiply(_ dense: Tensor) throws -> Tensor {
        guard dense.rank == 2, dense.shape[0] == columns else {
            throw ModelError("sparse_matmul", "[\(rows), \(columns)] sparse @ \(dense.shape) do not fit")
        }
        let d = dense.shape[1]
        let out = Tensor(zeros: Shape(rows, d))
        for r in 0..<rows {
            let dst = out.pointer + r * d
            for k in offsets[r]..<offsets[r + 1] {
                Kernels.axpy(values[k], dense.pointer + Int(indices[k]) * d, dst, d)
            }
        }
        return out
    }
}
