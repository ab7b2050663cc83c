import Foundation

extension NPY {
    /// The header: where it is (after the magic and version), and its dictionary — `descr`,
    /// `fortran_order` and `shape`, whose element count must fit in memory's addressing.
    enum Header {
        /// The header's first byte and length, once the magic and version are right.
        static func locate(_ bytes: [UInt8], _ fail: (String) -> DataError) throws -> (start: Int, length: Int) {
            guard !bytes.isEmpty else { throw fail("is empty") }
            guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
                throw fail("is not a .npy file (no \\x93NUMPY magic)")
            }
            let major = bytes[6]
            let (start, length): (Int, Int)
            switch major {
            case 1: (start, length) = (10, Int(bytes[8]) | Int(bytes[9]) << 8)
            case 2, 3:
                guard bytes.count >= 12 else { throw fail("is truncated inside its header") }
                start = 12
                length = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            default: throw fail("is .npy version \(major); rec reads versions 1 to 3")
            }
            guard start + length <= bytes.count else {
                throw fail("is truncated: its header claims \(length) bytes, the file holds \(bytes.count - start) after the magic")
            }
            return (start, length)
        }

        static func parse(_ header: String, _ fail: (String) -> DataError) throws -> (Shape, DType, fortran: Bool) {
            func field(_ key: String) -> Substring? {
                guard let r = header.range(of: "'\(key)':") else { return nil }
                return header[r.upperBound...].drop { $0 == " " }
            }
            guard let descr = field("descr"), let order = field("fortran_order"), let shapeText = field("shape") else {
                throw fail("has a header without descr, fortran_order or shape: \(DataError.quote(header))")
            }
            let dtype = try self.dtype(descr, fail)
            guard order.hasPrefix("True") || order.hasPrefix("False") else {
                throw fail("has a fortran_order that is neither True nor False: \(DataError.quote(String(order.prefix { $0 != "," }), limit: 20))")
            }
            return (try shape(shapeText, header, fail), dtype, order.hasPrefix("True"))
        }

        /// The quoted descr ('<f4'), as a dtype rec reads.
        static func dtype(_ descr: Substring, _ fail: (String) -> DataError) throws -> DType {
            guard let quote = descr.first, quote == "'" || quote == "\"" else {
                throw fail("holds a structured dtype (named fields); rec reads plain numeric arrays")
            }
            let text = descr.dropFirst().prefix { $0 != quote }
            guard let dtype = DType(descr: String(text)) else {
                throw fail("holds dtype \(DataError.quote(String(text), limit: 12)); rec reads float16/32/64, int8 to int64, uint8 to uint64 and bool")
            }
            return dtype
        }

        static func shape(_ shapeText: Substring, _ header: String, _ fail: (String) -> DataError) throws -> Shape {
            guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
                throw fail("has an unreadable shape in its header: \(DataError.quote(header))")
            }
            let parts = shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let dims = parts.compactMap { Int($0) }
            guard dims.count == parts.count else {
                throw fail("the shape (\(DataError.quote(parts.joined(separator: ", "), limit: 60).dropFirst().dropLast())) holds something other than whole numbers")
            }
            guard dims.count <= Shape.maxRank else {
                throw fail("holds a \(dims.count)-D array; rec reads arrays of 0 to \(Shape.maxRank) axes")
            }
            // The claim is checked (no negatives, no overflow, fits in memory) before anything is allocated.
            do { return try Shape(validating: dims) } catch let e as ModelError {
                throw fail("bad shape in the header: \(e.message)")
            }
        }
    }
}
