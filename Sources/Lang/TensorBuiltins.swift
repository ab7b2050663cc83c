import Model

enum TensorBuiltins {
    /// A tensor argument, with room checked for a result as big as it: what every builtin
    /// taking one makes (element-wise functions, param's copy, backward's gradients).
    static func tensorArg(_ a: Arguments, _ name: String) throws -> TensorObject {
        if case .number(let x)? = a.value(name) { return TensorObject(Variable(.scalar(Float(x)))) }
        let t = try a.object(name, TensorObject.self)
        try roomForResult(like: t.tensor, a.callee)
        return t
    }

    /// Checks that memory is free for one more tensor of `t`'s size: within the budget is not
    /// enough when the session already holds a few GB (`Limits`; cheap below 64 MB).
    static func roomForResult(like t: Tensor, _ op: String) throws {
        try Limits.floats([t.count], for: op, "a result the size of \(t.shape)")
    }

    /// A shape from `[2, 3]` or `5`: whole sizes ≥ 0 whose tensor fits in memory (`Limits`).
    static func shape(_ a: Arguments) throws -> Shape {
        guard case .list(let items)? = a.value("shape") else {
            if case .number? = a.value("shape") { return try Shape(validating: [a.size("shape", min: 0)]) }
            throw LangError(.type, "\(a.callee): shape must be a list of sizes such as [2, 3]", a.span("shape"))
        }
        guard items.count <= Shape.maxRank else {
            throw LangError(.argument, "\(a.callee): a tensor has at most \(Shape.maxRank) axes, got \(items.count)", a.span("shape"))
        }
        let dims = try items.map { v -> Int in
            guard case .number(let x) = v, x == x.rounded(), x >= 0, x < 1e15 else {
                throw LangError(.type, "\(a.callee): sizes must be whole numbers ≥ 0, got \(v.display)", a.span("shape"))
            }
            return Int(x)
        }
        try a.limit("shape", dims, "shape \(dims)")
        return try Shape(validating: dims)
    }

    /// Nested lists of numbers → a tensor, in one pass over the values: the shape is read off
    /// the first element at each depth, and every other element is checked against it while
    /// its numbers are collected (linear in the input, however deep).
    static func fromList(_ v: Value, span: SourceSpan) throws -> Tensor {
        var dims: [Int] = [], probe = v
        while case .list(let items) = probe, dims.count <= Shape.maxRank {
            dims.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        guard dims.count <= Shape.maxRank else {
            throw LangError(.type, "tensor: a tensor has at most \(Shape.maxRank) axes; these lists nest deeper", span)
        }
        let shape: Shape
        do { shape = try Shape(validating: dims) } catch let e as ModelError { throw LangError(.argument, "tensor: \(e.message)", span) }
        var flat: [Float] = []
        flat.reserveCapacity(shape.count)
        func collect(_ v: Value, depth: Int) throws {
            switch v {
            case .number(let x) where depth == dims.count:
                // A finite number past float32's range would turn into ±inf unseen.
                guard !x.isFinite || abs(x) <= Double(Float.greatestFiniteMagnitude) else {
                    throw LangError(.argument, "tensor: \(Value.format(x)) is beyond float32's range (±3.4e38)", span)
                }
                flat.append(Float(x))
            case .list(let items) where depth < dims.count && items.count == dims[depth]:
                for item in items { try collect(item, depth: depth + 1) }
            case .number, .list: throw LangError(.type, "tensor: rows have different lengths", span)
            default: throw LangError(.type, "tensor: expected numbers or lists of numbers, got \(v.typeNameWithArticle)", span)
            }
        }
        try collect(v, depth: 0)
        return try Tensor(shape: shape, values: flat)
    }

    /// A unary function that works on tensors and on losses alike (and on model nodes, for
    /// the activations).
    static func unary(_ name: String, _ summary: String, tensor: @escaping (Variable) throws -> Variable,
                      loss op: LossExpression.Unary) -> Builtin {
        let activation = Activation(rawValue: name)
        return Builtin(name, [Parameter("x", activation == nil ? "tensor or loss" : "tensor, loss or node")], summary: summary,
                       doc: activation == nil ? "" : "On a model node it is the node's activation: elu(dense(x, 64)) is Dense(… → 64, elu).",
                       example: activation == nil ? "\(name)(tensor([1, 2, 3]))" : "h = \(name)(dense(text, 64))") { a, _ in
            if case .object(let l as LossObject)? = a.value("x") { return .object(LossObject(.unary(op, l.expression), l.sample)) }
            if case .object(let t as TowerObject)? = a.value("x") {
                guard let activation else {
                    throw LangError(.type, "\(name): a model node takes the activations elu, relu, tanh and sigmoid, not \(name)", a.span("x"))
                }
                return .object(TowerObject(ActivationTower.apply(activation, to: t.tower), data: t.data))
            }
            return .object(TensorObject(try tensor(try tensorArg(a, "x").variable)))
        }
    }

    static func register(_ r: inout Registry) {
        r.add(Builtin("tensor", [Parameter("values", "number or nested list of numbers")], summary: "A tensor from numbers or nested lists.",
                      example: "tensor([[1, 2], [3, 4]])") { a, _ in
            .object(TensorObject(Variable(try fromList(a.value("values")!, span: a.span("values")))))
        })
        for (name, fill) in [("zeros", Float(0)), ("ones", 1)] {
            r.add(Builtin(name, [Parameter("shape", "list of sizes")], summary: "A tensor of \(name) of the given shape.",
                          example: "\(name)([2, 3])") { a, _ in
                .object(TensorObject(Variable(try Tensor.filled(fill, try shape(a)))))
            })
        }
        r.add(Builtin("randn", [Parameter("shape", "list of sizes"), Parameter("std", "number", default: "1", keywordOnly: true)],
                      summary: "Normal random values (from the session's seed).", example: "randn([3, 4], std: 0.1)") { a, s in
            .object(TensorObject(Variable(try Tensor.normal(try shape(a), std: try a.float("std"), rng: s.rng))))
        })
        r.add(Builtin("param", [Parameter("t", "tensor")], summary: "A trainable copy of a tensor: gradients flow into it.",
                      doc: "After backward(loss), its .grad holds d loss / d param.", example: "w = param(randn([3, 2]))") { a, _ in
            .object(TensorObject(Variable(parameter: try tensorArg(a, "t").tensor.copy())))
        })
        r.add(Builtin("backward", [Parameter("x", "single-value tensor")], summary: "Back-propagate from a single value into every param it depends on.",
                      doc: "Gradients accumulate across calls, as in PyTorch.", example: "backward(sum(w * w))") { a, _ in
            try tensorArg(a, "x").variable.backward()
            return .none
        })
        for (name, isMean) in [("sum", false), ("mean", true)] {
            r.add(Builtin(name, [Parameter("x", "tensor or loss"), Parameter("axis", "whole number", default: "none", keywordOnly: true)],
                          summary: "The \(name) of all elements, or along an axis.", example: "\(name)(tensor([[1, 2], [3, 4]]), axis: 0)") { a, _ in
                if case .object(let l as LossObject)? = a.value("x") {
                    return .object(LossObject(.unary(isMean ? .mean : .sum, l.expression), l.sample))
                }
                let x = try tensorArg(a, "x").variable
                if a.has("axis") {
                    let axis = try a.int("axis")
                    // The mean of nothing is undefined (numpy's NaN); it used to read 0.
                    let along = axis < 0 ? axis + x.shape.rank : axis
                    if isMean, x.shape.dims.indices.contains(along), x.shape.dims[along] == 0 {
                        throw LangError(.argument, "mean: axis \(axis) of shape \(x.shape) is empty: its mean is undefined", a.span("x"))
                    }
                    return .object(TensorObject(isMean ? try x.mean(axis: axis) : try x.sum(axis: axis)))
                }
                if isMean && x.shape.count == 0 {
                    throw LangError(.argument, "mean: the tensor \(x.shape) is empty: its mean is undefined", a.span("x"))
                }
                return .object(TensorObject(isMean ? x.mean() : x.sum()))
            })
        }
        r.add(unary("exp", "e to the power of each element.", tensor: { $0.exp() }, loss: .exp))
        r.add(unary("log", "Natural log of each element.", tensor: { $0.log() }, loss: .log))
        r.add(unary("sigmoid", "1 / (1 + e^-x) for each element.", tensor: { $0.sigmoid() }, loss: .sigmoid))
        r.add(unary("softplus", "log(1 + e^x), computed stably.", tensor: { $0.softplus() }, loss: .softplus))
        r.add(unary("tanh", "Hyperbolic tangent of each element.", tensor: { $0.tanh() }, loss: .tanh))
        r.add(unary("elu", "ELU (α = 1): x above zero, e^x − 1 below.", tensor: { $0.elu() }, loss: .elu))
        r.add(unary("relu", "max(x, 0) for each element.", tensor: { $0.relu() }, loss: .relu))
        r.add(Builtin("softmax", [Parameter("x", "tensor")], summary: "Softmax along the last axis.", example: "softmax(tensor([1, 2, 3]))") { a, _ in
            .object(TensorObject(try tensorArg(a, "x").variable.softmax()))
        })
        r.add(TensorObject.typeName, [
            .property("shape", "The sizes of the axes, as a list.") { (t: TensorObject) in .list(t.tensor.shape.dims.map { .number(Double($0)) }) },
            .property("T", "The transpose of a matrix.") { (t: TensorObject) in .object(TensorObject(Variable(try t.tensor.transposed))) },
            .property("grad", "The gradient accumulated by backward (zeros if none).") { (t: TensorObject) in
                guard t.variable.requiresGrad && t.variable.isLeaf else {
                    throw LangError(.type, "only a param has a gradient (make one with param(t))", nil)
                }
                return .object(TensorObject(Variable(t.variable.denseGrad)))
            },
            .property("item", "The single value of a one-element tensor, as a number.") { (t: TensorObject) in .number(Double(try t.tensor.item)) },
        ])
    }
}
