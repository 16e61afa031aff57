import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 file server on 127.0.0.1 (an ephemeral port) for the download tests. It serves in-memory files,
/// honours `Range: bytes=N-`, can misbehave on request (cut a body short, ignore Range, answer an error status,
/// stall), and records every request. Connections are served one at a time and closed after each response. It is
/// bounded: it stops when the test lets go of it, after `Core.connectionLimit` connections, or after
/// `Core.lifetime` seconds, whichever comes first.
final class DownloadTestServer: Sendable {
    /// One-shot misbehaviour, applied to the next request for the file and then used up.
    enum Fault: Sendable {
        /// Send the headers (with the full length) but only this many body bytes, then close.
        case cut(afterBytes: Int)
        /// Answer with this status and a short text body.
        case status(Int)
        /// Send the headers and this many body bytes, then wait this long before closing.
        case stall(afterBytes: Int, seconds: Double)
    }

    struct File: Sendable {
        var body: [UInt8]
        var honoursRange = true
        /// Without Content-Length the body is delimited by closing the connection.
        var declaresLength = true
        var faults: [Fault] = []
    }

    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
    }

    let port: UInt16
    /// The serving thread holds the core, not this handle, so the handle's deinit can stop it.
    private let core: Core

    init(files: [String: File] = [:]) throws {
        core = try Core(files: files)
        port = core.port
        Thread { [core] in core.serve() }.start()
    }

    deinit {
        core.stop()
    }

    /// The URL of `name` on this server.
    func url(_ name: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)/\(name)")!
    }

    var base: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    /// Every request received so far, in order.
    var requests: [Request] { core.requests }

    private final class Core: @unchecked Sendable {
        // @unchecked: `files`, `log` and `stopping` are only touched under `lock`; the rest is immutable.
        let port: UInt16
        private let listener: Int32
        private let lock = NSLock()
        private var files: [String: File]
        private var log: [Request] = []
        private var stopping = false
        private let finished = DispatchSemaphore(value: 0)
        static let connectionLimit = 200
        static let lifetime: TimeInterval = 600

        init(files: [String: File]) throws {
            self.files = files
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 only
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(descriptor, generic, length) == 0 && listen(descriptor, 16) == 0
                        && getsockname(descriptor, generic, &length) == 0
                }
            }
            guard bound else {
                let code = errno
                close(descriptor)
                throw POSIXError(.init(rawValue: code) ?? .EIO)
            }
            listener = descriptor
            port = UInt16(bigEndian: address.sin_port)
        }

        var requests: [Request] { lock.withLock { log } }

        /// Stops accepting and waits for the serving thread to finish; safe to call more than once.
        func stop() {
            let first = lock.withLock { () -> Bool in
                defer { stopping = true }
                return !stopping
            }
            if first { finished.wait() }
        }

        func serve() {
            defer {
                close(listener)
                finished.signal()
            }
            var served = 0
            let deadline = Date(timeIntervalSinceNow: Self.lifetime)
            while served < Self.connectionLimit, Date() < deadline, !lock.withLock({ stopping }) {
                var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 50) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                served += 1
                var timeout = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                respond(on: connection)
                shutdown(connection, Int32(SHUT_WR))
                close(connection)
            }
        }

        private func respond(on connection: Int32) {
            guard let request = readRequest(connection) else { return }
            let name = String(request.path.dropFirst())
            let (file, fault) = lock.withLock { () -> (File?, Fault?) in
                log.append(request)
                guard var file = files[name] else { return (nil, nil) }
                let fault = file.faults.isEmpty ? nil : file.faults.removeFirst()
                files[name] = file
                return (file, fault)
            }
            guard let file else {
                reply(connection, status: 404, headers: [:], body: Array("not found\n".utf8), head: request.method == "HEAD")
                return
            }
            if case .status(let code) = fault {
                reply(connection, status: code, headers: [:], body: Array("failure \(code)\n".utf8), head: request.method == "HEAD")
                return
            }
            var status = 200
            var headers: [String: String] = [:]
            var body = file.body[...]
            if file.honoursRange, let range = request.headers["range"], let start = Self.rangeStart(range) {
                guard start < file.body.count else {
                    reply(connection, status: 416, headers: ["Content-Range": "bytes */\(file.body.count)"], body: [],
                         head: request.method == "HEAD")
                    return
                }
                status = 206
                headers["Content-Range"] = "bytes \(start)-\(file.body.count - 1)/\(file.body.count)"
                body = file.body[start...]
            }
            var limit = body.count
            var stallSeconds = 0.0
            switch fault {
            case .cut(let bytes): limit = min(bytes, body.count)
            case .stall(let bytes, let seconds): limit = min(bytes, body.count); stallSeconds = seconds
            default: break
            }
            if file.declaresLength { headers["Content-Length"] = String(body.count) }
            reply(connection, status: status, headers: headers, body: Array(body.prefix(limit)),
                 head: request.method == "HEAD", declaredLength: file.declaresLength)
            // In short naps, so that stopping the server is not held up by a stall.
            let wakeUp = Date(timeIntervalSinceNow: stallSeconds)
            while Date() < wakeUp, !lock.withLock({ stopping }) { Thread.sleep(forTimeInterval: 0.02) }
        }

        /// "bytes=N-" only: the one form the downloader sends.
        private static func rangeStart(_ header: String) -> Int? {
            guard header.hasPrefix("bytes="), header.hasSuffix("-") else { return nil }
            return Int(header.dropFirst(6).dropLast())
        }

        private func readRequest(_ connection: Int32) -> Request? {
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            let terminator = Array("\r\n\r\n".utf8)
            while buffer.count < 65536 {
                let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return nil }
                buffer += chunk[0..<count]
                if let end = buffer.firstRange(of: terminator) {
                    let lines = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                    let parts = lines[0].split(separator: " ")
                    guard parts.count == 3 else { return nil }
                    var headers: [String: String] = [:]
                    for line in lines.dropFirst() {
                        guard let colon = line.firstIndex(of: ":") else { continue }
                        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                    return Request(method: String(parts[0]), path: String(parts[1]), headers: headers)
                }
            }
            return nil
        }

        private func reply(_ connection: Int32, status: Int, headers: [String: String], body: [UInt8], head: Bool,
                          declaredLength: Bool = true) {
            var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\nConnection: close\r\n"
            var headers = headers
            if declaredLength, headers["Content-Length"] == nil { headers["Content-Length"] = String(body.count) }
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
            text += "\r\n"
            var bytes = Array(text.utf8)
            if !head { bytes += body }
            var done = 0
            while done < bytes.count {
                // MSG_NOSIGNAL: a client that hangs up early must not kill the test process with SIGPIPE.
                let sent = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return }
                done += sent
            }
        }

        private static func reason(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 206: "Partial Content"
            case 404: "Not Found"
            case 416: "Range Not Satisfiable"
            case 500: "Internal Server Error"
            case 503: "Service Unavailable"
            default: "Status"
            }
        }
    }
}
