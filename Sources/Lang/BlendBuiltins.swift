import Model

/// `blend` mixes fitted scores and baselines on a common scale, its weights fixed or chosen on
/// validation; `map_content` gives cold items item vectors from content (a ridge onto a
/// fitted model's or ALS's item vectors).
enum BlendBuiltins {
    static func register(_ r: inout Registry) {
        registerRoute(&r)
        r.add(Builtin("blend", [Parameter("on", "events", default: "none", keywordOnly: true),
                                Parameter("part", "\"warm\", \"cold\" or \"all\"", default: "\"all\"", keywordOnly: true),
                                Parameter("scale", "\"rank\" or \"z\"", default: "\"rank\"", keywordOnly: true),
                                Parameter("levels", "list of numbers", default: "[0, 0.25, 0.5, 0.75, 1]", keywordOnly: true),
                                Parameter("refine", "bool", default: "false", keywordOnly: true),
                                Parameter("cross_fit", "bool", default: "false", keywordOnly: true),
                                Parameter("bag", "whole number", default: "0", keywordOnly: true),
                                Parameter("by_events", "list of whole numbers", default: "none", keywordOnly: true),
                                Parameter("weights", "list of numbers", default: "none", keywordOnly: true),
                                Parameter("k", "whole number", default: "20", keywordOnly: true)],
                      summary: "Named scores and baselines mixed on one scale per item (rank or z-score), weights fixed or chosen on validation.",
                      doc: "Each part's scores for an item are put on a common scale over all users — rank: a user's rank ÷ (users − 1), ties sharing their mean; "
                        + "z: (score − mean) ÷ standard deviation — then summed with the part's weight. With on: (validation events) every mix of the levels "
                        + "(one level per part, normalised to sum 1) is evaluated and the best ndcg@k of part: is kept; refine: true then moves from it by "
                        + "coordinate steps (each weight up or down by half the finest gap between levels, halved three times when no step helps; at most "
                        + "400 more mixes). A note gives the chosen weights, the best validation ndcg and each part's own. That best ndcg is optimistic (the weights were "
                        + "fitted to those items): cross_fit: true also runs the search on each half of the validation items and scores its choice on the other "
                        + "half, and the note gives that cross-fitted ndcg — compare blends of different parts by it. bag: n averages the weights chosen "
                        + "on n random halves of the validation items (fixed seeds), a steadier choice than one search on few items (the cross-fit bags "
                        + "within each half too). by_events: [b1, b2, …] chooses the weights per group of items by "
                        + "their training events (fewer than b1, b1 to b2 − 1, …, the last bound or more), each group on its own validation items, and routes each item "
                        + "to its group's weights; the note gives each group's choice, then the figures over all items. weights: [w1, w2, …] fixes them instead (no on:). "
                        + "The parts must be trained on the same events.",
                      example: "cold = blend(als: map_content(als, avg), ridge: ridge, on: split.valid_cold, part: \"cold\")",
                      freeKeywords: true, named: "name: score") { a, s in
            try blend(a, s)
        })
        r.add(Builtin("map_content", [Parameter("score", "fitted score or als baseline"), Parameter("content", "tensor [items, dim]"),
                                      Parameter("lambda", "number", default: "100", keywordOnly: true)],
                      summary: "Cold items get item vectors from content: a ridge from content onto the fitted item vectors (ALS's factors or a model's item side).",
                      doc: "The ridge (closed form, centred, λ = lambda; choose it on validation) is fitted on the items with training events; items without them "
                        + "get v̄ + (f − f̄)·W and are scored against the same user vectors (and a model's user bias). Items with training events keep their vectors.",
                      example: "als_cold = map_content(baseline(\"als\", split.train), avg, lambda: 30)") { a, s in
            let content = try a.object("content", TensorObject.self).tensor
            let lambda = try a.float("lambda")
            guard lambda > 0 else {
                throw LangError(.argument, "map_content: lambda must be a positive number, got \(Value.format(Double(lambda)))", a.span("lambda"))
            }
            return .object(try mapContent(a.value("score") ?? .none, content, lambda, a.span("score"), s))
        })
    }

    /// A ridge from content onto a fitted scorer's item vectors; its refit refits the scorer and maps again.
    private static func mapContent(_ fitted: Value, _ content: Tensor, _ lambda: Float, _ span: SourceSpan, _ s: Session) throws -> BaselineObject {
        let (vectors, train) = try fittedVectors(fitted, span)
        let scorer = try ContentMappedScorer(itemVectors: vectors.items, userVectors: vectors.users, userOffset: vectors.offset,
                                             content: content, train: train, lambda: lambda, monitor: SessionMonitor(s))
        return BaselineObject("map_content", scorer, train: train, data: FileBuiltins.dataset(of: fitted), refit: { events, s in
            .object(try mapContent(try RefitBuiltins.refit(fitted, events, name: "map_content's score", span: span, s), content, lambda, span, s))
        })
    }

    /// route: a warm scorer and a cold one used as one model.
    static func registerRoute(_ r: inout Registry) {
        r.add(Builtin("route", [Parameter("warm", "score or baseline", keywordOnly: true), Parameter("cold", "score or baseline", keywordOnly: true)],
                      summary: "One scorer from two: items with training events get warm:'s scores, items without (cold) get cold:'s.",
                      doc: "Both must be fitted on the same training events; each part's model can then be chosen on its own validation part "
                        + "and the pair evaluated, compared, blended or recommended from as one.",
                      example: "best = route(warm: blend_warm, cold: blend_cold)") { a, _ in
            guard let warmValue = a.value("warm"), let coldValue = a.value("cold") else {
                throw LangError(.argument, "route needs warm: and cold: (a score or baseline each)", a.callSpan)
            }
            return .object(try route(warmValue, a.span("warm"), coldValue, a.span("cold"), a.callSpan))
        })
    }

    private static func route(_ warmValue: Value, _ warmSpan: SourceSpan, _ coldValue: Value, _ coldSpan: SourceSpan, _ span: SourceSpan) throws -> BaselineObject {
        let (warm, train) = try FileBuiltins.scorer(warmValue, "warm", warmSpan, "route")
        let (cold, coldTrain) = try FileBuiltins.scorer(coldValue, "cold", coldSpan, "route")
        guard train.users == coldTrain.users, train.items == coldTrain.items else {
            throw LangError(.argument, "route: warm and cold were fitted on other events; route scores fitted on the same training events", span)
        }
        return BaselineObject("route", try RoutedScorer(warm: warm, cold: cold, train: train), train: train,
                              data: FileBuiltins.dataset(of: warmValue) ?? FileBuiltins.dataset(of: coldValue), refit: { events, s in
            .object(try route(try RefitBuiltins.refit(warmValue, events, name: "route's warm", span: warmSpan, s), warmSpan,
                              try RefitBuiltins.refit(coldValue, events, name: "route's cold", span: coldSpan, s), coldSpan, span))
        })
    }

    /// The item and user vectors of an ALS baseline or a fitted score (with its user bias).
    private static func fittedVectors(_ value: Value, _ span: SourceSpan) throws -> ((items: Tensor, users: Tensor, offset: [Float]?), Events) {
        switch value {
        case .object(let b as BaselineObject):
            guard let als = b.scorer as? ALSScorer else {
                throw LangError(.type, "map_content: score must be a fitted score or baseline(\"als\", …), got baseline \(b.name) (it has no item vectors)", span)
            }
            return ((als.itemFactors, als.userFactors, nil), b.train)
        case .object(let score as ScoreObject):
            guard let train = score.train else { throw LangError(.runtime, "map_content: this score has not been fitted yet: fit(…) it first", span) }
            let m = score.model
            let offset = m.bias?.value.scalars
            return ((try m.vectors(of: .items), try m.vectors(of: .users), offset), train)
        default:
            throw LangError(.type, "map_content: score must be a fitted score or baseline(\"als\", …), got \(value.typeName)", span)
        }
    }

    private static func blend(_ a: Arguments, _ s: Session) throws -> Value {
        guard !a.extra.isEmpty else { throw LangError(.argument, "blend needs scores to mix, as name: score", a.callSpan) }
        var parts: [any UserScorer] = [], train: Events?
        for (name, value, span) in a.extra {
            let (scorer, t) = try FileBuiltins.scorer(value, name, span, "blend")
            if let train, train.users != t.users || train.items != t.items {
                throw LangError(.argument, "blend: \(name) was trained on other events than \(a.extra[0].name); blend scores fitted on the same training events", span)
            }
            train = train ?? t
            parts.append(scorer)
        }
        let names = a.extra.map(\.name), scale = BlendScorer.Scale(rawValue: try a.choice("scale", ["rank", "z"]))!
        if a.has("weights") {
            if a.has("on") { throw LangError(.argument, "blend: give weights: or on: (to choose them), not both", a.span("weights")) }
            for name in ["refine", "cross_fit", "bag", "by_events"] where a.has(name) {
                throw LangError(.argument, "blend: \(name): works with weights chosen on validation (on:); weights: fixes them", a.span(name))
            }
            let w = try numbers(a, "weights")
            guard w.count == parts.count else {
                throw LangError(.argument, "blend: weights has \(w.count) numbers for \(parts.count) scores", a.span("weights"))
            }
            guard w.allSatisfy({ $0 >= 0 }), w.contains(where: { $0 > 0 }) else {
                throw LangError(.argument, "blend: weights must be numbers ≥ 0, not all 0", a.span("weights"))
            }
            return .object(try fixedBlend(parts, a.extra, weights: [w], bounds: nil, scale, train: train!))
        }
        guard let valid = try a.optionalObject("on", EventsObject.self) else {
            throw LangError(.argument, "blend needs on: (validation events to choose the weights on) or weights: [w1, w2, …]", a.callSpan)
        }
        TestPartWarning.check(valid, "blend", "chooses its weights on", s)
        let bounds = try a.has("by_events") ? eventBounds(a) : nil
        let chosen = try choose(parts, names, valid, train!, scale, bounds: bounds, a, s)
        return .object(try fixedBlend(parts, a.extra, weights: chosen, bounds: bounds, scale, train: train!))
    }

    /// by_events: whole numbers ≥ 1 in increasing order.
    private static func eventBounds(_ a: Arguments) throws -> [Int] {
        let bounds = try numbers(a, "by_events")
        guard bounds.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 < 1e9 }), zip(bounds.dropFirst(), bounds).allSatisfy({ $0 > $1 }) else {
            throw LangError(.argument, "blend: by_events must hold whole numbers ≥ 1 in increasing order, like [5, 20]", a.span("by_events"))
        }
        return bounds.map { Int($0) }
    }

    /// A blend with its weights (one list, or with `bounds` one per group of items by their
    /// training events); its refit refits the parts weighted above 0 and keeps the weights and bounds.
    private static func fixedBlend(_ parts: [any UserScorer], _ named: [(name: String, value: Value, span: SourceSpan)], weights: [[Float]],
                                   bounds: [Int]?, _ scale: BlendScorer.Scale, train: Events) throws -> BaselineObject {
        let blends = try weights.map { try BlendScorer(parts, names: named.map(\.name), weights: $0, scale: scale) }
        let scorer: any UserScorer = try bounds.map { try RoutedScorer(blends, groups: EventCountGroups(bounds: $0, train: train)) } ?? blends[0]
        let data = named.lazy.compactMap { FileBuiltins.dataset(of: $0.value) }.first
        return BaselineObject("blend", scorer, train: train, data: data, refit: { events, s in
            let kept = parts.indices.filter { p in weights.contains { $0[p] > 0 } }
            var refitted: [any UserScorer] = [], fitted: Events?
            for p in kept {
                let value = try RefitBuiltins.refit(named[p].value, events, name: "blend's \(named[p].name)", span: named[p].span, s)
                let (scorer, t) = try FileBuiltins.scorer(value, named[p].name, named[p].span, "blend")
                refitted.append(scorer)
                fitted = t
            }
            return .object(try fixedBlend(refitted, kept.map { named[$0] }, weights: weights.map { w in kept.map { w[$0] } }, bounds: bounds,
                                          scale, train: fitted!))
        })
    }

    /// The weights chosen on validation (one list per group of items with `bounds`), noted.
    private static func choose(_ parts: [any UserScorer], _ names: [String], _ valid: EventsObject, _ train: Events,
                               _ scale: BlendScorer.Scale, bounds: [Int]?, _ a: Arguments, _ s: Session) throws -> [[Float]] {
        let part = try a.choice("part", ["warm", "cold", "all"])
        let levels = try numbers(a, "levels")
        guard levels.allSatisfy({ $0 >= 0 }), levels.contains(where: { $0 > 0 }) else {
            throw LangError(.argument, "blend: levels must be numbers ≥ 0, not all 0", a.span("levels"))
        }
        let k = try TrainingBuiltins.rankingDepth(a, users: parts[0].users, s)
        let refine = try a.bool("refine"), crossFit = try a.bool("cross_fit")
        let bag = try a.int("bag", default: 0, min: 0)
        guard bag <= 64 else { throw LangError(.argument, "blend: bag must be a whole number from 0 to 64, got \(bag)", a.span("bag")) }
        let metrics = MetricsTable.part(part)
        func cross(_ x: Double?) -> String { x.map { ", cross-fitted " + String(format: "%.4f", $0) } ?? "" }
        guard let bounds else {
            let choice = try TrainingBuiltins.ranking(a, "blend", at: a.callSpan) {
                try BlendSearch.choose(parts, names: names, levels: levels, scale: scale, valid: valid.events, train: train,
                                       items: valid.items, k: k, part: metrics, refine: refine, crossFit: crossFit,
                                       bag: bag, threads: s.threads, shouldStop: { s.cancel.isSet }, monitor: SessionMonitor(s))
            }
            s.emit(.note("blend: " + describe(choice, names, "\(part) ndcg@\(k)", crossFitted: cross(choice.crossFitted))))
            return [choice.best.weights]
        }
        let grouped = try TrainingBuiltins.ranking(a, "blend", at: a.span("by_events")) {
            try BlendSearch.choose(parts, names: names, levels: levels, scale: scale, valid: valid.events, train: train,
                                   items: valid.items, k: k, part: metrics, groups: EventCountGroups(bounds: bounds, train: train),
                                   refine: refine, crossFit: crossFit, bag: bag, threads: s.threads, shouldStop: { s.cancel.isSet },
                                   monitor: SessionMonitor(s))
        }
        for (g, choice) in grouped.choices.enumerated() {
            s.emit(.note("blend, items with \(grouped.groups.describe(g)) (\(choice.items) on validation): "
                         + describe(choice, names, "\(part) ndcg@\(k)", crossFitted: cross(choice.crossFitted))))
        }
        s.emit(.note("blend by events: \(part) ndcg@\(k) \(String(format: "%.4f", grouped.ndcg)) on validation\(cross(grouped.crossFitted))"))
        return grouped.choices.map(\.best.weights)
    }

    /// "a 0.5, b 0.5 (warm ndcg@20 0.1234 on validation, …, 25 mixes; alone: a 0.1, b 0.1)".
    private static func describe(_ choice: BlendSearch.Choice, _ names: [String], _ metric: String, crossFitted: String) -> String {
        let trials = choice.trials
        let alone = names.indices.compactMap { p in
            trials.first { $0.weights[p] == 1 }.map { "\(names[p]) " + String(format: "%.4f", $0.metric) }
        }
        let chosen = zip(names, choice.best.weights).map { "\($0) \(Value.format(Double($1)))" }.joined(separator: ", ")
        let top = trials.map(\.metric).max() ?? 0
        // "alone" needs a mix of one part alone, which levels without 0 never make.
        let aloneText = alone.isEmpty ? "" : "; alone: " + alone.joined(separator: ", ")
        return "\(chosen) (\(metric) \(String(format: "%.4f", top)) on validation\(crossFitted), \(trials.count) mix\(trials.count == 1 ? "" : "es")\(aloneText))"
    }

    /// A list of numbers as floats.
    private static func numbers(_ a: Arguments, _ name: String) throws -> [Float] {
        guard case .list(let items)? = a.value(name), !items.isEmpty else {
            throw LangError(.type, "blend: \(name) must be a list of numbers, like [0.8, 0.2]", a.span(name))
        }
        return try items.map {
            guard case .number(let x) = $0, x.isFinite else { throw LangError(.type, "blend: \(name) must hold numbers only, got \($0.display)", a.span(name)) }
            return Float(x)
        }
    }
}
