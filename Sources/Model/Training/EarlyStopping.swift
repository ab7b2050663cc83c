/// Validation after each epoch and early stopping: tracks the best validation ndcg@k and the
/// parameters that gave it, and says when `patience` epochs have passed without improving.
struct EarlyStopping {
    let patience: Int?
    let k: Int
    private(set) var bestEpoch: Int?
    /// The best epoch's parameters (a snapshot the trainer took anyway after that epoch).
    private(set) var best: [Tensor]?
    private var bestScore = -Double.infinity
    private var sinceBest = 0

    init(patience: Int?, k: Int) {
        self.patience = patience
        self.k = k
    }

    /// Records an epoch's validation metrics; returns why training should stop, if it should.
    mutating func observe(epoch: Int, metrics: RankingMetrics, parameters: [Tensor]) -> StopReason? {
        if metrics.ndcg > bestScore {
            bestScore = metrics.ndcg
            best = parameters
            bestEpoch = epoch
            sinceBest = 0
            return nil
        }
        sinceBest += 1
        if let patience, sinceBest >= patience { return .earlyStop(epoch: epoch, k: k, patience: patience) }
        return nil
    }

    /// The parameters training should leave: the best epoch's, when stopping early was asked for.
    var restoring: [Tensor]? { patience == nil ? nil : best }
}
