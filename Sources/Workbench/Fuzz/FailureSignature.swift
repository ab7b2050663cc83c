import Foundation
import Lang

/// Groups failures: a crash by its signal, the top frame in our sources and the runtime's
/// message (numbers masked); a hang by the first builtin its statement calls.
enum FailureSignature {
    static func crash(signal: Int32, output: [String]) -> String {
        var parts = [ChildProcess.signalName(signal)]
        if let frame = topFrame(output) { parts.append(frame) }
        if let message = fatalMessage(output) { parts.append(message) }
        return parts.joined(separator: " · ")
    }

    static func exit(_ status: Int32) -> String { "exit \(status) before the input ended" }

    static func hang(statement: String) -> String {
        if let first = FuzzSyntax.callees(statement).first { return "hang · \(first)(…)" }
        return "hang · " + masked(String(statement.prefix(24)))
    }

    /// The runtime's message: `Fatal error: …`, or a check's `Swift runtime failure: …` frame.
    static func fatalMessage(_ lines: [String]) -> String? {
        guard let line = lines.first(where: { $0.contains("Fatal error") || $0.contains("Swift runtime failure") }) else { return nil }
        var text = line.components(separatedBy: line.contains("Fatal error") ? "Fatal error" : "Swift runtime failure").last ?? line
        if let end = text.range(of: " in ", options: .backwards), !line.contains("Fatal error") { text = String(text[..<end.lowerBound]) }
        text = text.replacingOccurrences(of: #"( at 0x[0-9a-fA-F]+)?[\s*]*$"#, with: "", options: .regularExpression)
        let message = text.trimmingCharacters(in: CharacterSet(charactersIn: ": "))
        return masked(String(message.prefix(90)))
    }

    /// The crashed thread's frames in our sources, top first: `function (File.swift)`.
    static func frames(_ lines: [String]) -> [String] {
        guard let start = lines.firstIndex(where: { $0.contains(" crashed:") }) else { return [] }
        return lines[start...].compactMap { line in
            guard line.contains("Sources/"), let address = line.range(of: " 0x"),
                  let plus = line.range(of: " + ", range: address.upperBound..<line.endIndex),
                  let at = line.range(of: #" in \S+ at "#, options: .regularExpression, range: plus.upperBound..<line.endIndex)
            else { return nil }
            var function = String(String(line[address.upperBound..<plus.lowerBound]).drop { $0 != " " }.dropFirst())
            while let r = function.range(of: #"^(closure #\d+ in |partial apply for |specialized |implicit closure #\d+ in )"#,
                                         options: .regularExpression) {
                function.removeSubrange(r)
            }
            let path = line[at.upperBound...].split(separator: ":").first.map(String.init) ?? ""
            return function + " (" + (path as NSString).lastPathComponent + ")"
        }
    }

    /// The top frame in our sources; for a stack overflow (a function repeating down the
    /// stack) the recursion's alphabetically first function, wherever the overflow cut it.
    static func topFrame(_ lines: [String]) -> String? {
        let all = frames(lines)
        let counts = Dictionary(all.map { ($0, 1) }, uniquingKeysWith: +)
        if let recursive = counts.filter({ $0.value >= 8 }).keys.min() { return "stack overflow · recursion through " + recursive }
        return all.first
    }

    static func masked(_ s: String) -> String {
        s.replacingOccurrences(of: #"\d+"#, with: "N", options: .regularExpression)
    }
}
