#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one rule for the names of saved things (predictor and generator ids) and their files in
/// the state directory:
///
/// - an id is 1–128 characters from `A–Z a–z 0–9 - _ .`, not starting with `.`;
/// - its file is `<id>.<extension>` (`.hwnp` predictors, `.hwng` generators), so every saved
///   file name is visible (no leading dot) and no id can name a path outside its directory;
/// - temporaries of atomic writes are hidden: `.tmp-<pid>-<random>`, which no id can produce;
///   at start only those whose writer process is gone are removed;
/// - each store directory's index is the hidden `.index` (`StoreIndex`), which no id produces.
///
/// Anything else in the directory is never read, written or removed.
public enum StateFileName {
    /// Whether `id` is a valid id of a saved predictor or generator.
    public static func isValidID(_ id: String) -> Bool {
        isValidID(id.utf8)
    }

    /// `isValidID` on bytes (a start-up lists thousands of names: no `Character` work).
    private static func isValidID<Bytes: Collection<UInt8>>(_ id: Bytes) -> Bool {
        guard !id.isEmpty, id.count <= 128, id.first != UInt8(ascii: ".") else { return false }
        return id.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        }
    }

    /// The id saved in file `name` with `fileExtension`, or nil when `name` is no such file.
    public static func id(ofFile name: String, fileExtension: String) -> String? {
        let bytes = name.utf8, n = fileExtension.utf8.count + 1
        guard bytes.count > n, bytes[bytes.index(bytes.endIndex, offsetBy: -n)] == UInt8(ascii: "."),
              bytes.suffix(n - 1).elementsEqual(fileExtension.utf8), isValidID(bytes.dropLast(n)) else { return nil }
        return String(name.dropLast(n))
    }

    /// The prefix of temporary files.
    public static let temporaryPrefix = ".tmp-"

    /// A fresh temporary file name for this process.
    public static func temporaryName() -> String {
        "\(temporaryPrefix)\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
    }

    /// The writer's pid of a temporary file name, or nil when `name` is not one. Also accepts
    /// the names earlier versions used, `<id>.hwnp.tmp-<pid>-<n>` (`.hwng` likewise), which end
    /// in no saved file's extension.
    public static func writerPID(ofTemporary name: String) -> Int32? {
        guard hasTemporaryMarker(name) else { return nil }  // most names: one pass over the bytes
        if name.hasPrefix(temporaryPrefix) { return pidAndNumber(name.dropFirst(temporaryPrefix.count)) }
        let marker = ".tmp-"
        guard let at = name.indices.last(where: { name[$0...].hasPrefix(marker) }) else { return nil }
        let before = name[..<at]
        guard before.hasSuffix(".hwnp") || before.hasSuffix(".hwng") else { return nil }
        return pidAndNumber(name[at...].dropFirst(marker.count))
    }

    private static let temporaryMarker = Array(".tmp-".utf8)

    /// Whether `name` holds `.tmp-`, which every temporary name (new and old forms) does.
    private static func hasTemporaryMarker(_ name: String) -> Bool {
        let marker = temporaryMarker
        var matched = 0
        for b in name.utf8 {
            if b == marker[matched] {
                matched += 1
                if matched == marker.count { return true }
            } else {
                matched = b == marker[0] ? 1 : 0
            }
        }
        return false
    }

    private static func pidAndNumber(_ s: Substring) -> Int32? {
        let parts = s.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt64(parts[1]) != nil else { return nil }
        return pid
    }

    /// Whether process `pid` is alive (`kill(pid, 0)`: EPERM means alive but someone else's).
    public static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
