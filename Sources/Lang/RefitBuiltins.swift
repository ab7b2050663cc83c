import Model

/// How a fitted scorer is fitted again on other events with every choice kept — a sweep's best
/// settings and epoch count, a baseline's settings, a blend's weights — so that once validation
/// has chosen, the chosen model is refitted on training + validation before the test is read.
typealias Refit = (EventsObject, Session) throws -> Value

enum RefitBuiltins {
    static func register(_ r: inout Registry) {
        r.add(Builtin("refit", [Parameter("score", "sweep, score or baseline"), Parameter("events", "events")],
                      summary: "The same model fitted again on other events, every choice made on validation kept (settings, epochs, λ, weights).",
                      doc: "A sweep's best trial is rebuilt with its settings and trained for its best epoch count (no early stopping); a baseline "
                        + "is refitted with its settings; best_of's choice keeps its own; map_content, blend (its chosen weights; parts weighted 0 are "
                        + "left out) and route refit their parts. Each scorer is refitted once per events value: asking again returns the same fit. "
                        + "A recipe reads the session's variables when it is rebuilt, so content made from training events (interactions(…)) "
                        + "is reassigned before the refit.",
                      example: "full = split.train_all\nfinal = refit(best, full)\nevaluate(final, split.test_warm)") { a, s in
            do {
                let events = try a.object("events", EventsObject.self)
                TestPartWarning.check(events, "refit", "fits on", s)
                return try refit(a.value("score") ?? .none, events, name: "score", span: a.span("score"), s)
            } catch let e as LangError {
                // A part that fails to refit was named in an earlier statement (blend(…, hybrid: score)):
                // the error is shown at this refit, with the place the part was given as a frame.
                guard let given = e.span, given.origin != a.callSpan.origin || given.line < a.callSpan.line else { throw e }
                var moved = e.at(a.callSpan)
                moved.frames = [LangError.Frame(function: "the refit of what was given here", span: given, source: nil)] + e.frames
                throw moved
            }
        })
    }

    /// Refits a value (a sweep, a score or a baseline), once per scorer and events value.
    static func refit(_ value: Value, _ events: EventsObject, name: String, span: SourceSpan, _ s: Session) throws -> Value {
        let key: AnyObject, how: Refit?
        switch value {
        case .object(let w as SweepObject): return try refit(.object(w.score), events, name: name, span: span, s)
        case .object(let b as BaselineObject): (key, how) = (b, b.refit)
        case .object(let c as ScoreObject): (key, how) = (c, c.refit)
        default: throw LangError(.type, "refit: \(name) must be a sweep, a score or a baseline, got \(value.typeName)", span)
        }
        guard let how else {
            throw LangError(.argument, "refit: \(name) cannot be fitted again: it keeps no recipe", span,
                            hint: "refit takes what sweep, baseline, best_of, map_content, blend and route make (a score from fit(…) or load(…) has no recipe)")
        }
        if let done = s.refits[ObjectIdentifier(key)], done.events === events { return done.value }
        let fitted = try how(events, s)
        s.refits[ObjectIdentifier(key)] = (key, events, fitted)
        return fitted
    }

    /// The events a refit trains on must index the same users and items.
    static func check(_ events: EventsObject, like train: EventsObject, _ what: String) throws {
        guard events.users == train.users, events.items == train.items else {
            throw LangError(.argument, "refit: \(events.name) is not from the dataset \(what) was fitted on (\(events.users) users, \(events.items) items against \(train.users), \(train.items))", nil)
        }
    }
}
