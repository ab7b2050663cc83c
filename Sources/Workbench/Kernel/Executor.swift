import Foundation
import Lang
import Model

/// Runs the shell requests that need the session — execute, complete, inspect — one at a
/// time on its own thread, so that the I/O thread keeps serving the control channel
/// (interrupt, shutdown) and the heartbeat while a fit runs. Only this thread touches the
/// session; the others reach it through the two flags.
final class Executor: @unchecked Sendable {
    private let session: Session
    private let wire: Wire
    private let outbox: Outbox
    /// The session's flag: a running fit or evaluation stops at its next batch.
    let cancel: CancelFlag
    /// The current cell stops before its next statement.
    let interrupted = CancelFlag()
    private let queue = NSCondition()
    private var requests: [Message] = []
    private var executionCount = 0

    init(session: Session, wire: Wire, outbox: Outbox) {
        self.session = session
        self.wire = wire
        self.outbox = outbox
        cancel = session.cancel
    }

    func start() {
        let thread = Thread { [self] in
            while true { handle(next()) }
        }
        thread.stackSize = 64 << 20  // as deep as the main thread's: nested expressions recurse
        thread.start()
    }

    /// Queues a request (from the I/O thread).
    func submit(_ m: Message) {
        queue.lock()
        requests.append(m)
        queue.signal()
        queue.unlock()
    }

    /// Stops the running cell (from the I/O thread, or the SIGINT handler: two atomic stores).
    func interrupt() {
        interrupted.set()
        cancel.set()
    }

    private func next() -> Message {
        queue.lock()
        defer { queue.unlock() }
        while requests.isEmpty { queue.wait() }
        return requests.removeFirst()
    }

    private func handle(_ m: Message) {
        status("busy", m)
        let code = m.content["code"]?.string ?? ""
        let cursor = m.content["cursor_pos"]?.int ?? code.unicodeScalars.count
        switch m.type {
        case "execute_request": execute(m, code: code)
        case "complete_request": reply(m, "complete_reply", Messages.complete(code: code, cursor: cursor, session: session))
        case "inspect_request": reply(m, "inspect_reply", Messages.inspect(code: code, cursor: cursor, session: session))
        default: break
        }
        status("idle", m)
    }

    private func execute(_ request: Message, code: String) {
        let silent = request.content["silent"]?.bool ?? false
        if !silent { executionCount += 1 }
        let n = executionCount
        if !silent { outbox.post(.iopub, wire.broadcast("execute_input", ["code": .string(code), "execution_count": .int(n)], parent: request)) }
        let renderer = ExecuteRenderer(parent: request, executionCount: n, silent: silent, wire: wire) { [outbox] in outbox.post(.iopub, $0) }
        interrupted.clear()
        session.output = { [interrupted, cancel] o in
            // A statement that began after the interrupt (its start clears the flag) stops too.
            if interrupted.isSet { cancel.set() }
            renderer.render(o)
        }
        if run(code, origin: "In[\(n)]", renderer) && renderer.error == nil {
            renderer.fail(name: "interrupted", value: "interrupted",
                          text: "interrupted: the cell stopped early; the values it made so far are kept")
        }
        renderer.finish()
        session.output = nil
        var content: JSON = ["status": "ok", "execution_count": .int(n), "user_expressions": [:], "payload": []]
        if let e = renderer.error {
            content = ["status": "error", "execution_count": .int(n), "ename": .string(e.name), "evalue": .string(e.value),
                       "traceback": .array(e.traceback.map { .string($0) })]
        }
        // Only cells queued before this reply went out are aborted: a client that waited for
        // the reply before sending its next cell meant it to run.
        let aborted = renderer.error != nil && request.content["stop_on_error"]?.bool ?? true ? takeQueuedCells() : []
        reply(request, "execute_reply", content)
        for m in aborted {
            status("busy", m)
            reply(m, "execute_reply", ["status": "aborted", "execution_count": .int(executionCount)])
            status("idle", m)
        }
    }

    /// Runs a cell chunk by chunk, as the reader splits it; stops at an error or an interrupt
    /// (returns whether it was interrupted). A cell that is one `?name` line shows that help.
    private func run(_ code: String, origin: String, _ renderer: ExecuteRenderer) -> Bool {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("?") && !trimmed.contains("\n") {
            renderer.show(Help.text(for: String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces), session: session))
            return false
        }
        for chunk in StatementReader.chunks(of: code, origin: origin) {
            if interrupted.isSet { return true }
            let records = session.run(chunk, stopOnError: true)
            if records.contains(where: { $0.status == .interrupted || $0.error?.kind == .interrupted }) { return true }
            if records.contains(where: { $0.status != .ok }) { return false }
        }
        return interrupted.isSet
    }

    /// After an error, the cells already queued behind it are not run (`stop_on_error`).
    private func takeQueuedCells() -> [Message] {
        queue.lock()
        defer { queue.unlock() }
        let cells = requests.filter { $0.type == "execute_request" }
        requests.removeAll { $0.type == "execute_request" }
        return cells
    }

    private func reply(_ request: Message, _ type: String, _ content: JSON) {
        outbox.post(.shell, wire.message(type, content, parent: request, metadata: ["status": content["status"] ?? "ok"]))
    }

    private func status(_ state: String, _ parent: Message) {
        outbox.post(.iopub, wire.broadcast("status", ["execution_state": .string(state)], parent: parent))
    }
}
