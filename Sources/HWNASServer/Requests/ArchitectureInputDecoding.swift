import HWNASApplication
import JSONRPC

/// Architectures decode straight from the parse tree (`JSONValueDecodable`): a big `predict`'s
/// 100,000 strings or objects skip the `Decoder` per element and the mismatches thrown and
/// caught while `init(from:)` tries each form in turn. Same forms, same error as `init(from:)`.
extension ArchitectureInput: JSONValueDecodable {
    public init(jsonValue value: JSONValue, path: () -> String) throws(JSONDecodingError) {
        switch value {
        case .string(let s):
            self = .text(s)
            return
        case .number(let d):
            if let i = Int(exactly: d) { self = .index(i); return }
        case .object(let members):
            var fields: [String: [Int]] = [:]
            fields.reserveCapacity(members.count)
            var integral = true
            for (key, list) in members {
                guard case .array(let items) = list else { integral = false; break }
                var ints: [Int] = []
                ints.reserveCapacity(items.count)
                for item in items {
                    guard case .number(let d) = item, let i = Int(exactly: d) else { integral = false; break }
                    ints.append(i)
                }
                guard integral else { break }
                fields[key] = ints
            }
            if integral { self = .fields(fields); return }
        default:
            break
        }
        throw JSONDecodingError(path: path(), reason: Self.expectedForms)
    }
}
