import Crypto
import Foundation

/// A Jupyter message (messaging protocol 5.3): the routing identities of a ROUTER socket,
/// the four JSON parts and any binary buffers.
struct Message: Sendable {
    var identities: [Data]
    var header: JSON
    var parent: JSON
    var metadata: JSON
    var content: JSON
    var buffers: [Data] = []

    var type: String { header["msg_type"]?.string ?? "" }
    var id: String { header["msg_id"]?.string ?? "" }
}

/// The wire format: identities, the `<IDS|MSG>` delimiter, an HMAC-SHA256 signature (hex) of
/// the four JSON frames under the connection file's key, then the frames. Messages whose
/// signature does not verify are dropped, as the protocol asks.
struct Wire: Sendable {
    static let delimiter = Data("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"
    /// nil: the connection file gave an empty key, and messages are not signed.
    private let keyBytes: Data?
    private var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }
    /// This kernel's session id (every message it sends carries it).
    let session: String

    init(key: String, session: String = UUID().uuidString.lowercased()) {
        keyBytes = key.isEmpty ? nil : Data(key.utf8)
        self.session = session
    }

    func signature(_ parts: [Data]) -> String {
        guard let key else { return "" }
        var mac = HMAC<SHA256>(key: key)
        for p in parts { mac.update(data: p) }
        return Data(mac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// The message in the frames, or nil when they are malformed or the signature is wrong.
    func decode(_ frames: [Data]) -> Message? {
        guard let d = frames.firstIndex(of: Self.delimiter), frames.count >= d + 6 else { return nil }
        let parts = Array(frames[(d + 2)..<(d + 6)])
        if let key {
            guard let mac = Self.bytes(hex: frames[d + 1]),
                  HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: parts.reduce(Data(), +), using: key) else { return nil }
        }
        guard let header = JSON.parse(parts[0]), let parent = JSON.parse(parts[1]),
              let metadata = JSON.parse(parts[2]), let content = JSON.parse(parts[3]) else { return nil }
        return Message(identities: Array(frames[..<d]), header: header, parent: parent, metadata: metadata,
                       content: content, buffers: Array(frames[(d + 6)...]))
    }

    func encode(_ m: Message) -> [Data] {
        let parts = [m.header.encoded(), m.parent.encoded(), m.metadata.encoded(), m.content.encoded()]
        return m.identities + [Self.delimiter, Data(signature(parts).utf8)] + parts + m.buffers
    }

    /// A new message of `type`, in reply to (or caused by) `parent`, routed back to its sender.
    func message(_ type: String, _ content: JSON, parent: Message?, metadata: JSON = [:]) -> Message {
        let header: JSON = ["msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session),
                            "username": "rec", "date": .string(Self.now()), "msg_type": .string(type),
                            "version": .string(Self.protocolVersion)]
        return Message(identities: parent?.identities ?? [], header: header, parent: parent?.header ?? [:],
                       metadata: metadata, content: content)
    }

    /// A message for IOPub: the same, under a topic instead of routing identities.
    func broadcast(_ type: String, _ content: JSON, parent: Message?) -> Message {
        var m = message(type, content, parent: parent)
        m.identities = [Data("kernel.rec.\(type)".utf8)]
        return m
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }

    static func bytes(hex: Data) -> Data? {
        let digits = Array(hex)
        guard digits.count % 2 == 0 else { return nil }
        var out = Data(capacity: digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let b = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}
