import Foundation

/// Events divided for training and evaluation in the flip scenario:
/// - `testCold`: every event of a fraction of the items that have a plot (cold items: the model
///   never sees them in training and must score them from content);
/// - `testWarm`: a per-item hold-out of the other items' events;
/// - `validCold` / `validWarm`: carved from the training part the same way, for early stopping
///   without touching the test.
public struct Split: Sendable {
    public let train: Events
    public let testWarm: Events
    public let testCold: Events
    public let validWarm: Events
    public let validCold: Events
    public let coldItems: [Int32]
    public let validColdItems: [Int32]

    /// Training events with both validation parts put back: what the chosen model is refitted on.
    public var trainWithValidation: Events { train.followed(by: validWarm).followed(by: validCold) }

    /// The seeded random split (same seed, same split).
    public static func random(_ data: MovieLens, coldItems: Double = 0.2, holdout: Double = 0.1,
                              validation: Double = 0.1, seed: UInt64) throws -> Split {
        for (name, v) in [("cold-item", coldItems), ("hold-out", holdout), ("validation", validation)] {
            guard v >= 0 && v < 1 else { throw ModelError("split", "the \(name) share must be in [0, 1), got \(v)") }
        }
        guard coldItems + validation < 1 else {
            throw ModelError("split", "the cold-item and validation shares must add up to less than 1, got \(coldItems + validation)")
        }
        let rng = RandomSource(seed: seed)
        let events = data.events
        let byItem = GroupedIndex(keys: events.items, values: Array(0..<events.count), groups: data.items.count)
        // Cold candidates: items with a plot and at least one event, in index order, then shuffled.
        var candidates = (0..<Int32(data.items.count)).filter { data.plots[Int($0)] != nil && byItem.count($0) > 0 }
        rng.shuffle(&candidates)
        let nCold = Int((coldItems * Double(candidates.count)).rounded())
        let nValid = Int((validation * Double(candidates.count)).rounded())
        let cold = Array(candidates[0..<nCold]).sorted()
        let validCold = Array(candidates[nCold..<(nCold + nValid)]).sorted()

        var role = [UInt8](repeating: Role.train.rawValue, count: events.count)
        for i in cold { for e in byItem[i] { role[e] = Role.testCold.rawValue } }
        for i in validCold { for e in byItem[i] { role[e] = Role.validCold.rawValue } }
        // Per warm item: hold out a share for test, then a share of the rest for validation,
        // always leaving at least one training event so the item stays warm.
        var isCold = [Bool](repeating: false, count: data.items.count)
        for i in cold + validCold { isCold[Int(i)] = true }
        for item in 0..<Int32(data.items.count) where !isCold[Int(item)] {
            var mine = Array(byItem[item])
            guard mine.count > 1 else { continue }
            rng.shuffle(&mine)
            let nTest = Swift.min(stochasticRound(holdout * Double(mine.count), rng), mine.count - 1)
            let rest = mine.count - nTest
            let nValidWarm = Swift.min(stochasticRound(validation * Double(rest), rng), rest - 1)
            for e in mine[0..<nTest] { role[e] = Role.testWarm.rawValue }
            for e in mine[nTest..<(nTest + nValidWarm)] { role[e] = Role.validWarm.rawValue }
        }
        return Split(events: events, roles: role, coldItems: cold, validColdItems: validCold)
    }

    /// A temporal split: the latest `test` share of events (by timestamp) is the test, the
    /// `validation` share before it the validation; test/validation events of items not seen
    /// before them are cold.
    public static func temporal(_ data: MovieLens, test: Double = 0.2, validation: Double = 0.1) throws -> Split {
        guard test > 0, validation >= 0, test + validation < 1 else {
            throw ModelError("split", "temporal shares must be positive and add up to less than 1, got \(test) and \(validation)")
        }
        let events = data.events
        let order = (0..<events.count).sorted { (events.times[$0], $0) < (events.times[$1], $1) }
        let nTest = Int((test * Double(events.count)).rounded()), nValid = Int((validation * Double(events.count)).rounded())
        let trainEnd = events.count - nTest - nValid
        var role = [UInt8](repeating: Role.train.rawValue, count: events.count)
        var seen = [Bool](repeating: false, count: data.items.count)
        for k in order[0..<trainEnd] { seen[Int(events.items[k])] = true }
        var validColdItems = Set<Int32>(), coldItems = Set<Int32>()
        for k in order[trainEnd..<(trainEnd + nValid)] {
            let item = events.items[k]
            if seen[Int(item)] { role[k] = Role.validWarm.rawValue } else { role[k] = Role.validCold.rawValue; validColdItems.insert(item) }
        }
        for k in order[trainEnd..<(trainEnd + nValid)] { seen[Int(events.items[k])] = true }
        for k in order[(trainEnd + nValid)...] {
            let item = events.items[k]
            if seen[Int(item)] { role[k] = Role.testWarm.rawValue } else { role[k] = Role.testCold.rawValue; coldItems.insert(item) }
        }
        return Split(events: events, roles: role, coldItems: coldItems.sorted(), validColdItems: validColdItems.sorted())
    }

    enum Role: UInt8 { case train, testWarm, testCold, validWarm, validCold }

    init(events: Events, roles: [UInt8], coldItems: [Int32], validColdItems: [Int32]) {
        func part(_ r: Role) -> Events { events.filter { roles[$0] == r.rawValue } }
        train = part(.train)
        testWarm = part(.testWarm)
        testCold = part(.testCold)
        validWarm = part(.validWarm)
        validCold = part(.validCold)
        self.coldItems = coldItems
        self.validColdItems = validColdItems
    }

    init(train: Events, testWarm: Events, testCold: Events, validWarm: Events, validCold: Events,
         coldItems: [Int32], validColdItems: [Int32]) {
        self.train = train
        self.testWarm = testWarm
        self.testCold = testCold
        self.validWarm = validWarm
        self.validCold = validCold
        self.coldItems = coldItems
        self.validColdItems = validColdItems
    }

    static func stochasticRound(_ x: Double, _ rng: RandomSource) -> Int {
        let whole = x.rounded(.down)
        return Int(whole) + (Double(rng.uniform()) < x - whole ? 1 : 0)
    }
}

extension Split: CustomStringConvertible {
    public var description: String {
        "Split(train \(train.count), test warm \(testWarm.count), test cold \(testCold.count) on \(coldItems.count) items, "
            + "valid warm \(validWarm.count), valid cold \(validCold.count) on \(validColdItems.count) items)"
    }
}
