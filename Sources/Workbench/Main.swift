import ArgumentParser
import Foundation

/// Entry point. Maps outcomes to the exit statuses of the contract (workbench.md §1):
/// 0 ok · 1 an error in a script or a run · 2 bad usage · 130 interrupted.
@main
enum Main {
    static func main() {
        do {
            var command = try Rec.parseAsRoot()
            try command.run()
        } catch {
            let code = Rec.exitCode(for: error)
            if code == .validationFailure {
                printError(Rec.fullMessage(for: error))
                exit(2)
            }
            if code == .success || code.rawValue != 1 || error is CleanExit || error is ExitCode {
                Rec.exit(withError: error)
            }
            printError("error: \(error)")
            exit(1)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}
