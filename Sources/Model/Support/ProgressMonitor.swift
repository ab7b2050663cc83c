/// Watches long work (evaluation, word2vec, paragraph vectors): told how far it got, and
/// able to stop it between steps by throwing `Cancelled`.
public protocol ProgressMonitor: AnyObject {
    func advance(_ fraction: Double, _ what: String) throws
}
