extension NPY {
    /// A numeric dtype of a `.npy` file: what its numbers are, how many bytes each takes and
    /// in which byte order. rec reads every one of them into float32 and writes all but float16.
    public struct DType: Equatable, Sendable, CustomStringConvertible {
        public enum Kind: Character, Sendable { case float = "f", signed = "i", unsigned = "u", bool = "b" }
        public let kind: Kind
        public let width: Int
        public let bigEndian: Bool

        public init(_ kind: Kind, _ width: Int, bigEndian: Bool = false) {
            self.kind = kind
            self.width = width
            self.bigEndian = bigEndian
        }

        public static let float32 = DType(.float, 4)

        /// Every dtype rec reads, little-endian, in NumPy's order.
        public static let all: [DType] = [DType(.float, 2), .float32, DType(.float, 8)]
            + [1, 2, 4, 8].map { DType(.signed, $0) } + [1, 2, 4, 8].map { DType(.unsigned, $0) } + [DType(.bool, 1)]

        /// The dtypes `encode` writes (float16 needs a rounding rec does not do).
        public static let writable = all.filter { $0 != DType(.float, 2) }

        /// NumPy's name: float32, int64, uint8, bool.
        public var description: String {
            switch kind {
            case .float: "float\(8 * width)"
            case .signed: "int\(8 * width)"
            case .unsigned: "uint\(8 * width)"
            case .bool: "bool"
            }
        }

        /// The header's descr as NumPy writes it: '<f4', '|u1', '>i8'.
        public var descr: String { (width == 1 ? "|" : bigEndian ? ">" : "<") + String(kind.rawValue) + "\(width)" }

        /// A header's descr ('<f4', '>i8', '|b1', '=u2'); nil for any other dtype.
        public init?(descr: String) {
            let chars = Array(descr)
            guard chars.count == 3, "<>|=".contains(chars[0]), let kind = Kind(rawValue: chars[1]),
                  let width = Int(String(chars[2])) else { return nil }
            let widths: [Int] = switch kind {
            case .float: [2, 4, 8]
            case .signed, .unsigned: [1, 2, 4, 8]
            case .bool: [1]
            }
            guard widths.contains(width), chars[0] != "|" || width == 1 else { return nil }
            // '=' is the writer's own order; NumPy writes '<' or '>' in files, and rec runs little-endian.
            self.init(kind, width, bigEndian: chars[0] == ">" && width > 1)
        }

        /// A dtype by NumPy's name ("float64", "int32", "bool") or type code ("f8", "<i4", "u1").
        public init?(name: String) {
            if let d = DType.all.first(where: { $0.description == name }) { self = d; return }
            let code = name.first.map { "<|".contains($0) } == true ? String(name.dropFirst()) : name
            guard let d = DType.all.first(where: { String($0.descr.dropFirst()) == code }) else { return nil }
            self = d
        }
    }
}
