import Model

/// `+ - * / @` and unary minus on numbers, tensors, model nodes and losses.
enum Arithmetic {
    static func negate(_ v: Value, span: SourceSpan) throws -> Value {
        switch v {
        case .number(let x): return .number(-x)
        case .object(let t as TensorObject): return .object(TensorObject(-t.variable))
        case .object(let l as LossObject): return .object(LossObject(.unary(.neg, l.expression), l.sample))
        default: throw LangError(.type, "cannot negate \(v.typeNameWithArticle)", span)
        }
    }

    static func variable(_ v: Value) -> Variable? {
        switch v {
        case .number(let x): return Variable(.scalar(Float(x)))
        case .object(let t as TensorObject): return t.variable
        default: return nil
        }
    }

    static func loss(_ v: Value, sample: SampleObject) -> LossExpression? {
        switch v {
        case .number(let x): return .constant(Float(x))
        case .object(let l as LossObject) where l.sample === sample: return l.expression
        default: return nil
        }
    }

    static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value, span: SourceSpan,
                      leftSpan: SourceSpan, rightSpan: SourceSpan) throws -> Value {
        func fail(_ why: String? = nil) -> LangError {
            LangError(.type, why ?? "cannot apply \(op.rawValue) to \(a.typeNameWithArticle) and \(b.typeNameWithArticle)", span)
        }
        // numbers
        if case .number(let x) = a, case .number(let y) = b {
            switch op {
            case .add: return .number(x + y)
            case .sub: return .number(x - y)
            case .mul: return .number(x * y)
            case .div:
                guard y != 0 else { throw LangError(.runtime, "division by zero", rightSpan) }
                return .number(x / y)
            case .matmul: throw fail("@ multiplies matrices, not numbers")
            }
        }
        // losses over one sample
        if case .object(let l as LossObject) = a, let r = loss(b, sample: l.sample) {
            return .object(LossObject(try lossBinary(op, l.expression, r, fail), l.sample))
        }
        if case .object(let l as LossObject) = b, let r = loss(a, sample: l.sample) {
            return .object(LossObject(try lossBinary(op, r, l.expression, fail), l.sample))
        }
        if case .object(let l as LossObject) = a, case .object(let m as LossObject) = b, l.sample !== m.sample {
            throw fail("these scores come from different samples; take .pos and .neg of one sample(…)")
        }
        // model nodes: merge by sum
        if case .object(let x as TowerObject) = a, case .object(let y as TowerObject) = b {
            guard op == .add else { throw fail("model nodes combine with + (sum) or concat(a, b)") }
            let (w, v) = (x.tower.width, y.tower.width)
            if x.tower.axis == y.tower.axis && w != v {
                throw LangError(.runtime, "add: widths differ: \(w) and \(v) (project one with dense(x, \(w)) first)", span)
            }
            return .object(TowerObject(try SumTower(x.tower, y.tower), data: x.data ?? y.data))
        }
        // tensors (numbers broadcast as scalars)
        if let x = variable(a), let y = variable(b) {
            if op != .matmul {  // matmul checks its own product's size
                try TensorBuiltins.roomForResult(like: x.value.count >= y.value.count ? x.value : y.value, op.rawValue)
            }
            switch op {
            case .add: return .object(TensorObject(try x + y))
            case .sub: return .object(TensorObject(try x - y))
            case .mul: return .object(TensorObject(try x * y))
            case .div: return .object(TensorObject(try x / y))
            case .matmul: return .object(TensorObject(try Variable.matmul(x, y)))
            }
        }
        throw fail()
    }

    static func lossBinary(_ op: BinaryOperator, _ a: LossExpression, _ b: LossExpression,
                           _ fail: (String?) -> LangError) throws -> LossExpression {
        switch op {
        case .add: return .binary(.add, a, b)
        case .sub: return .binary(.sub, a, b)
        case .mul: return .binary(.mul, a, b)
        case .div: return .binary(.div, a, b)
        case .matmul: throw fail("@ has no meaning between a batch's scores: use * (element-wise) or mean(…)")
        }
    }
}

/// `x[i]` and `x[a:b]` on lists and tensors (rows).
enum Indexing {
    static func integer(_ v: Value, span: SourceSpan) throws -> Int {
        guard case .number(let x) = v, x == x.rounded(), abs(x) < 1e15 else {
            throw LangError(.type, "an index must be a whole number, got \(v.typeName == "number" ? v.display : "a " + v.typeName)", span)
        }
        return Int(x)
    }

    static func index(_ target: Value, _ i: Value, span: SourceSpan, indexSpan: SourceSpan) throws -> Value {
        let k = try integer(i, span: indexSpan)
        switch target {
        case .list(let items):
            let j = k < 0 ? k + items.count : k
            guard j >= 0 && j < items.count else { throw LangError(.runtime, "index \(k) is out of range for a list of \(items.count)", indexSpan) }
            return items[j]
        case .object(let t as TensorObject):
            let n = t.tensor.rank == 0 ? 0 : t.tensor.shape[0]
            let j = k < 0 ? k + n : k
            guard j >= 0 && j < n else { throw LangError(.runtime, "index \(k) is out of range for shape \(t.tensor.shape)", indexSpan) }
            let row = try t.variable.rows(j..<(j + 1))
            var dims = row.shape.dims
            dims.removeFirst()
            // A number that a gradient flows through stays a (rank-0) tensor, so that `s[0] * 3`
            // still reaches the parameter s; a constant's element is a plain number.
            if dims.isEmpty && !row.requiresGrad { return .number(Double(row.value[flat: 0])) }
            return .object(TensorObject(try row.reshaped(Shape(validating: dims))))
        default:
            throw LangError(.type, "\(target.typeNameWithArticle) cannot be indexed", span)
        }
    }

    static func slice(_ target: Value, _ lower: Value?, _ upper: Value?, span: SourceSpan) throws -> Value {
        let n: Int
        switch target {
        case .list(let items): n = items.count
        case .object(let t as TensorObject) where t.tensor.rank >= 1: n = t.tensor.shape[0]
        default: throw LangError(.type, "\(target.typeNameWithArticle) cannot be sliced", span)
        }
        func bound(_ v: Value?, _ d: Int) throws -> Int {
            guard let v else { return d }
            let k = try integer(v, span: span)
            return Swift.min(n, Swift.max(0, k < 0 ? k + n : k))
        }
        let a = try bound(lower, 0), b = Swift.max(try bound(upper, n), a)
        switch target {
        case .list(let items): return .list(Array(items[a..<b]))
        case .object(let t as TensorObject): return .object(TensorObject(try t.variable.rows(a..<b)))
        default: throw LangError(.type, "\(target.typeNameWithArticle) cannot be sliced", span)
        }
    }
}
