#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How messages are delimited on the byte stream.
public enum Framing: String, Sendable {
    /// LSP framing: `Content-Length: N\r\n\r\n` then N bytes of UTF-8 JSON (other headers ignored).
    case contentLength
    /// Newline-delimited JSON: one message per line (blank lines ignored).
    case ndjson

    /// `body` with this framing's delimiters: the header before it, or the newline after it.
    public func frame(_ body: [UInt8]) -> [UInt8] {
        switch self {
        case .contentLength: return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        case .ndjson: return body + [0x0A]
        }
    }
}

/// What the frame decoder found on the stream.
public enum FrameEvent: Sendable, Equatable {
    /// The bytes of one message body.
    case message([UInt8])
    /// Bytes that are not a valid frame (bad header, missing Content-Length, ...); skipped.
    case malformed(String)
    /// A message larger than the limit; its bytes were skipped without being buffered.
    case tooLarge(Int)
}

/// A byte-level state machine that cuts a stream into message bodies. It only frames: it
/// does not parse JSON. Feed it chunks as they are read; it calls `emit` for each event.
///
/// LSP framing: the header block ends at `\r\n\r\n`; the last `Content-Length:` in it counts
/// (text before it that is not a header is reported as malformed, which resynchronises after a
/// wrong Content-Length); the body is then collected whole into one buffer of the announced
/// size. A body over `maxMessageBytes` is drained without buffering and reported as `tooLarge`.
public struct FrameDecoder {
    /// The framing in use.
    public let framing: Framing
    /// The largest body accepted.
    public let maxMessageBytes: Int
    /// The longest header block accepted.
    public static let maxHeaderBytes = 8192

    private enum State {
        case header
        case body(remaining: Int)
        case skip(remaining: Int)
        case skipLine
    }

    private var state: State = .header
    private var pending: [UInt8] = []  // header bytes (LSP) or the current line (NDJSON)
    private var scanned = 0  // bytes of `pending` already searched for a terminator
    private var body: [UInt8] = []

    /// A decoder for `framing` with a body limit.
    public init(framing: Framing, maxMessageBytes: Int) {
        self.framing = framing
        self.maxMessageBytes = maxMessageBytes
    }

    /// Consumes a chunk of the stream.
    public mutating func push(_ chunk: UnsafeRawBufferPointer, emit: (FrameEvent) -> Void) {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let bytes = UnsafeBufferPointer(start: base, count: chunk.count)
        var i = 0
        while i < bytes.count {
            switch framing {
            case .contentLength: i = pushLSP(bytes, from: i, emit: emit)
            case .ndjson: i = pushLine(bytes, from: i, emit: emit)
            }
        }
    }

    /// Consumes a chunk of the stream given as an array.
    public mutating func push(_ chunk: [UInt8], emit: (FrameEvent) -> Void) {
        chunk.withUnsafeBytes { push($0, emit: emit) }
    }

    /// Call at end of stream: a partial message left over is reported (an NDJSON last line
    /// without a newline is accepted as a message).
    public mutating func finish(emit: (FrameEvent) -> Void) {
        switch (framing, state) {
        case (.ndjson, .header):
            if !isBlank(pending) { emit(.message(trimmedCR(pending))) }
        case (.contentLength, .header):
            if !isBlank(pending) { emit(.malformed("end of input inside a header")) }
        case (_, .body):
            emit(.malformed("end of input inside a message body"))
        default: break
        }
        pending = []
        body = []
        state = .header
    }

    // MARK: LSP

    private mutating func pushLSP(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, emit: (FrameEvent) -> Void) -> Int {
        switch state {
        case .body(let remaining):
            let n = min(remaining, bytes.count - start)
            body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start + n)]))
            if n == remaining {
                state = .header
                let b = body
                body = []
                emit(.message(b))
            } else {
                state = .body(remaining: remaining - n)
            }
            return start + n
        case .skip(let remaining):
            let n = min(remaining, bytes.count - start)
            state = n == remaining ? .header : .skip(remaining: remaining - n)
            return start + n
        case .header, .skipLine:
            // Append up to the end of the header block if it is in this chunk.
            var i = start
            while i < bytes.count {
                pending.append(bytes[i])
                i += 1
                let c = pending.count
                if c >= 4 && pending[c - 1] == 0x0A && pending[c - 2] == 0x0D && pending[c - 3] == 0x0A && pending[c - 4] == 0x0D {
                    let block = pending
                    pending.removeAll(keepingCapacity: true)
                    handleHeaderBlock(block, emit: emit)
                    return i
                }
                if c > Self.maxHeaderBytes {
                    emit(.malformed("header longer than \(Self.maxHeaderBytes) bytes"))
                    // Keep a possible header start for resynchronisation.
                    if let r = lastContentLength(in: pending) {
                        pending = Array(pending[r...])
                    } else {
                        pending = Array(pending.suffix(3))
                    }
                    if pending.count > Self.maxHeaderBytes { pending.removeAll() }
                }
            }
            return i
        }
    }

    private static let contentLengthKey = Array("content-length:".utf8)

    private func lastContentLength(in block: [UInt8]) -> Int? {
        let key = Self.contentLengthKey
        guard block.count >= key.count else { return nil }
        var i = block.count - key.count
        while i >= 0 {
            var match = true
            for k in 0..<key.count {
                var c = block[i + k]
                if c >= 0x41 && c <= 0x5A { c += 0x20 }
                if c != key[k] { match = false; break }
            }
            if match { return i }
            i -= 1
        }
        return nil
    }

    private mutating func handleHeaderBlock(_ block: [UInt8], emit: (FrameEvent) -> Void) {
        guard let at = lastContentLength(in: block) else {
            if !isBlank(block) { emit(.malformed("header without Content-Length")) }
            return
        }
        // Text before the header line must be other headers ("Name: value\r\n"...).
        let prefix = block[..<at]
        if !prefix.isEmpty {
            let validHeaders = prefix.last == 0x0A && String(decoding: prefix, as: UTF8.self)
                .split(separator: "\r\n").allSatisfy { $0.contains(":") && !$0.contains("{") }
            if !validHeaders { emit(.malformed("unexpected bytes before a header")) }
        }
        // Value: digits up to the end of the line.
        var i = at + Self.contentLengthKey.count
        while i < block.count && (block[i] == 0x20 || block[i] == 0x09) { i += 1 }
        var value = 0
        var digits = 0
        while i < block.count, block[i] >= 0x30, block[i] <= 0x39, digits < 18 {
            value = value * 10 + Int(block[i] - 0x30)
            digits += 1
            i += 1
        }
        while i < block.count && (block[i] == 0x20 || block[i] == 0x09) { i += 1 }
        guard digits > 0, i < block.count, block[i] == 0x0D else {
            emit(.malformed("invalid Content-Length"))
            return
        }
        if value > maxMessageBytes {
            emit(.tooLarge(value))
            state = value > 0 ? .skip(remaining: value) : .header
        } else if value == 0 {
            emit(.message([]))
        } else {
            body = []
            body.reserveCapacity(value)
            state = .body(remaining: value)
        }
    }

    // MARK: NDJSON

    private mutating func pushLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, emit: (FrameEvent) -> Void) -> Int {
        // Find the next newline.
        let nl: Int
        if let p = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) {
            nl = UnsafeRawPointer(p) - UnsafeRawPointer(bytes.baseAddress!)
        } else {
            nl = bytes.count
        }
        if case .skipLine = state {
            if nl < bytes.count { state = .header; return nl + 1 }
            return bytes.count
        }
        let piece = UnsafeBufferPointer(rebasing: bytes[start..<nl])
        if pending.count + piece.count > maxMessageBytes {
            emit(.tooLarge(pending.count + piece.count))
            pending.removeAll()
            if nl < bytes.count { return nl + 1 }
            state = .skipLine
            return bytes.count
        }
        if nl == bytes.count {
            pending.append(contentsOf: piece)
            return nl
        }
        let line: [UInt8]
        if pending.isEmpty {
            line = Array(piece)
        } else {
            pending.append(contentsOf: piece)
            line = pending
            pending.removeAll()
        }
        if !isBlank(line) { emit(.message(trimmedCR(line))) }
        return nl + 1
    }

    private func isBlank(_ b: [UInt8]) -> Bool {
        b.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    private func trimmedCR(_ b: [UInt8]) -> [UInt8] {
        b.last == 0x0D ? Array(b.dropLast()) : b
    }
}
