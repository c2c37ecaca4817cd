import NASCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds the fixtures directory (the shipped data sets): an explicit path (the `--fixtures`
/// flag), else the `HWNASD_FIXTURES` environment variable, else `fixtures/` of the source
/// checkout this binary was built from.
public enum FixturesLocator {
    /// The fixtures directory, or an error saying where it looked.
    public static func locate(_ explicit: String? = nil) throws(NASError) -> String {
        var tried: [String] = []
        for c in given(explicit) + [checkoutFixtures] {
            tried.append(c)
            if isDirectory(c + "/nb201") { return c }
        }
        throw NASError(.storage, "fixtures directory not found (tried \(tried.joined(separator: ", "))); pass --fixtures DIR or set HWNASD_FIXTURES")
    }

    /// The directories named by `explicit` and `HWNASD_FIXTURES` that `locate` passed over, being
    /// no fixtures directory, before the one it chose (a caller says so).
    public static func passedOver(_ explicit: String? = nil) -> [String] {
        Array(given(explicit).prefix { !isDirectory($0 + "/nb201") })
    }

    /// The `--fixtures` path and `HWNASD_FIXTURES`, in that order, where given.
    static func given(_ explicit: String?) -> [String] {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = getenv("HWNASD_FIXTURES") { candidates.append(String(cString: env)) }
        return candidates
    }

    /// `<checkout>/fixtures`, derived from this source file's path at build time.
    static var checkoutFixtures: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        // .../Sources/NASData/FixturesLocator.swift -> ...
        if parts.count >= 3 { parts.removeLast(3) }
        return parts.joined(separator: "/") + "/fixtures"
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
