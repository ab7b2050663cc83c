import CZMQ
import Foundation
import Lang

/// The kernel's I/O thread: binds the five channels of the connection file, answers what
/// needs no session (kernel info, completeness, interrupt, shutdown) at once, hands the
/// rest to the executor, and sends what the executor posts. The heartbeat echoes on a
/// thread of its own, so a long fit never looks like a dead kernel.
final class KernelServer {
    private let wire: Wire
    private let context: UnsafeMutableRawPointer
    private let shell: Socket, control: Socket, stdin: Socket, iopub: Socket, heartbeat: Socket
    private let outbox: Outbox
    private let executor: Executor

    init(_ info: ConnectionInfo, session: Session) throws {
        guard let c = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        context = c
        wire = Wire(key: info.key)
        (shell, control, stdin) = (try Socket(c, ZMQ_ROUTER), try Socket(c, ZMQ_ROUTER), try Socket(c, ZMQ_ROUTER))
        (iopub, heartbeat) = (try Socket(c, ZMQ_PUB), try Socket(c, ZMQ_REP))
        for (socket, port) in [(shell, info.shellPort), (control, info.controlPort), (stdin, info.stdinPort),
                               (iopub, info.iopubPort), (heartbeat, info.hbPort)] {
            try socket.bind(info.endpoint(port))
        }
        outbox = try Outbox()
        executor = Executor(session: session, wire: wire, outbox: outbox)
    }

    /// Serves until a shutdown request, or until the process that started the kernel is gone
    /// (a client that died without shutting it down must not leave it running).
    func serve() {
        let parent = getppid()
        startHeartbeat()
        executor.start()
        KernelInterrupts.install(executor)
        while true {
            let ready = poll([control, shell, stdin], fd: outbox.readEnd, timeout: 1000)
            if getppid() != parent { shutDown() }
            if ready[0], let frames = control.receive() { handle(frames, from: control) }
            if ready[1], let frames = shell.receive() { handle(frames, from: shell) }
            if ready[2] { _ = stdin.receive() }  // the kernel never asks for input: nothing here is awaited
            if ready[3] { forwardPosted() }
        }
    }

    private func startHeartbeat() {
        let hb = heartbeat
        let thread = Thread {
            // Echoes every ping until the context shuts down.
            zmq_proxy(hb.handle, hb.handle, nil)
            hb.close()
        }
        thread.start()
    }

    private func forwardPosted() {
        for (channel, m) in outbox.drain() {
            (channel == .shell ? shell : iopub).send(wire.encode(m))
        }
    }

    private func handle(_ frames: [Data], from socket: Socket) {
        guard let m = wire.decode(frames) else { return }  // unsigned or malformed: dropped, as the protocol asks
        switch m.type {
        case "execute_request", "complete_request", "inspect_request": executor.submit(m)
        case "kernel_info_request": answer(m, on: socket, "kernel_info_reply", Messages.kernelInfo())
        case "is_complete_request": answer(m, on: socket, "is_complete_reply", Messages.isComplete(code: m.content["code"]?.string ?? ""))
        case "comm_info_request": answer(m, on: socket, "comm_info_reply", ["status": "ok", "comms": [:]])
        case "history_request": answer(m, on: socket, "history_reply", ["status": "ok", "history": []])
        case "interrupt_request":
            executor.interrupt()
            answer(m, on: socket, "interrupt_reply", ["status": "ok"])
        case "shutdown_request":
            executor.interrupt()
            answer(m, on: socket, "shutdown_reply", ["status": "ok", "restart": .bool(m.content["restart"]?.bool ?? false)])
            shutDown()
        case "comm_open":
            // No comm target exists here: closing it at once tells a widget front end to stop waiting, as IPython does.
            let id = m.content["comm_id"] ?? ""
            iopub.send(wire.encode(wire.broadcast("status", ["execution_state": "busy"], parent: m)))
            iopub.send(wire.encode(wire.broadcast("comm_close", ["comm_id": id, "data": [:]], parent: m)))
            iopub.send(wire.encode(wire.broadcast("status", ["execution_state": "idle"], parent: m)))
        default: break  // other comm messages and the like: this kernel has no comms, and no reply is expected
        }
    }

    /// A reply from this thread, between busy and idle on IOPub.
    private func answer(_ request: Message, on socket: Socket, _ type: String, _ content: JSON) {
        iopub.send(wire.encode(wire.broadcast("status", ["execution_state": "busy"], parent: request)))
        socket.send(wire.encode(wire.message(type, content, parent: request, metadata: [:])))
        iopub.send(wire.encode(wire.broadcast("status", ["execution_state": "idle"], parent: request)))
    }

    /// Delivers what is queued (the sockets linger up to a second), then ends the process:
    /// a restart is jupyter_client starting a new one.
    private func shutDown() -> Never {
        forwardPosted()
        for s in [shell, control, stdin, iopub] { s.close() }
        zmq_ctx_shutdown(context)  // ends the heartbeat's proxy, which closes its socket
        zmq_ctx_term(context)
        exit(0)
    }
}

/// SIGINT (the kernelspec's interrupt mode is "message", but a signal from a terminal or a
/// front end that sends one interrupts the same way): two atomic stores, nothing else.
enum KernelInterrupts {
    nonisolated(unsafe) static var executor: Executor?

    static func install(_ e: Executor) {
        executor = e
        signal(SIGINT) { _ in KernelInterrupts.executor?.interrupt() }
    }
}
