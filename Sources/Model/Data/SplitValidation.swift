/// Validation carved from a split's training part, as `Split.random` carves it: a share of the
/// training items with a plot move out whole (cold validation), and of every other training
/// item a share of its events is held out (warm validation), always leaving one in training.
/// Items with test events are never moved out whole, so warm test items stay warm.
/// What a split loaded from files needs to select settings without touching its test parts.
extension Split {
    public func carvingValidation(_ data: MovieLens, fraction: Double, seed: UInt64) throws -> Split {
        guard fraction >= 0 && fraction < 1 else { throw ModelError("split", "validation must be in [0, 1), got \(fraction)") }
        let rng = RandomSource(seed: seed)
        let items = data.items.count
        let byItem = GroupedIndex(keys: train.items, values: Array(0..<train.count), groups: items)
        // Items the test parts hold stay in training: a warm test item must stay warm.
        var inTest = [Bool](repeating: false, count: items)
        for i in testWarm.items + testCold.items where Int(i) < items { inTest[Int(i)] = true }
        var candidates = (0..<Int32(items)).filter { data.plots[Int($0)] != nil && byItem.count($0) > 0 && !inTest[Int($0)] }
        rng.shuffle(&candidates)
        let validCold = Array(candidates[0..<Int((fraction * Double(candidates.count)).rounded())]).sorted()
        var role = [UInt8](repeating: Role.train.rawValue, count: train.count)
        var isValidCold = [Bool](repeating: false, count: items)
        for i in validCold {
            isValidCold[Int(i)] = true
            for e in byItem[i] { role[e] = Role.validCold.rawValue }
        }
        for item in 0..<Int32(items) where !isValidCold[Int(item)] {
            var mine = Array(byItem[item])
            guard mine.count > 1 else { continue }
            rng.shuffle(&mine)
            let n = Swift.min(Split.stochasticRound(fraction * Double(mine.count), rng), mine.count - 1)
            for e in mine[0..<n] { role[e] = Role.validWarm.rawValue }
        }
        func part(_ r: Role) -> Events { train.filter { role[$0] == r.rawValue } }
        return Split(train: part(.train), testWarm: testWarm, testCold: testCold, validWarm: part(.validWarm),
                     validCold: part(.validCold), coldItems: coldItems, validColdItems: validCold)
    }
}
