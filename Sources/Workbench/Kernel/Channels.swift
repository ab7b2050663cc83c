import CZMQ
import Foundation

struct ZMQError: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) {
        description = "\(what): " + String(cString: zmq_strerror(zmq_errno()))
    }
}

/// One ZeroMQ socket. ZeroMQ sockets are not thread-safe: each is used by one thread (it may
/// be created on another before that thread starts).
final class Socket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init(_ context: UnsafeMutableRawPointer, _ type: Int32) throws {
        guard let h = zmq_socket(context, type) else { throw ZMQError("zmq_socket") }
        handle = h
        var linger: Int32 = 1000  // a closing kernel still delivers its last replies
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("cannot bind \(endpoint)") }
    }

    func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("cannot connect \(endpoint)") }
    }

    /// The frames of one multipart message; nil when none is waiting (`wait: false`) or the
    /// call was interrupted by a signal.
    func receive(wait: Bool = false) -> [Data]? {
        var frames: [Data] = [], more = true
        while more {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            // The parts after the first are already here: ZeroMQ delivers a message whole.
            let flags = frames.isEmpty && !wait ? ZMQ_DONTWAIT : 0
            guard zmq_msg_recv(&msg, handle, flags) >= 0 else {
                if zmq_errno() == EINTR && !frames.isEmpty { continue }
                return nil
            }
            frames.append(Data(bytes: zmq_msg_data(&msg), count: zmq_msg_size(&msg)))
            more = zmq_msg_more(&msg) != 0
        }
        return frames
    }

    func send(_ frames: [Data]) {
        for (k, frame) in frames.enumerated() {
            let flags = k < frames.count - 1 ? ZMQ_SNDMORE : 0
            while frame.withUnsafeBytes({ zmq_send(handle, $0.baseAddress, $0.count, flags) }) < 0 && zmq_errno() == EINTR {}
        }
    }

    func close() { zmq_close(handle) }
}

/// Waits until one of `sockets` has a message, or `fd` can be read, for at most `timeout`
/// milliseconds; returns which are ready (the fd last; none on a signal or a timeout).
func poll(_ sockets: [Socket], fd: Int32, timeout: Int) -> [Bool] {
    var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
    items.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0))
    guard zmq_poll(&items, Int32(items.count), timeout) > 0 else { return items.map { _ in false } }
    return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
}

/// What `jupyter_client` writes for a kernel it starts: where to bind and the signing key.
struct ConnectionInfo: Decodable {
    let transport: String
    let ip: String
    let key: String
    let signatureScheme: String
    let shellPort: Int, controlPort: Int, iopubPort: Int, stdinPort: Int, hbPort: Int

    enum CodingKeys: String, CodingKey {
        case transport, ip, key, signatureScheme = "signature_scheme"
        case shellPort = "shell_port", controlPort = "control_port", iopubPort = "iopub_port"
        case stdinPort = "stdin_port", hbPort = "hb_port"
    }

    static func read(_ path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("\(path): cannot read the connection file") }
        let info: ConnectionInfo
        do { info = try JSONDecoder().decode(ConnectionInfo.self, from: data) } catch DecodingError.keyNotFound(let key, _) {
            throw CommandError("\(path): not a Jupyter connection file (no \(key.stringValue))")
        } catch {
            throw CommandError("\(path): not a Jupyter connection file")
        }
        guard info.signatureScheme == "hmac-sha256" || info.key.isEmpty else {
            throw CommandError("\(path): signature scheme \(info.signatureScheme) is not supported (hmac-sha256 is)")
        }
        return info
    }

    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}
