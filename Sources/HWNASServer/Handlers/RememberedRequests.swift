import HWNASApplication
import JSONRPC
import NASCore
import NASPredictors

/// What an answer kept in memory (`DomainServices.remembered`, `rememberedFit`) depends on: the
/// method, its request as the client sent it (decoded and encoded again, so spelling and key
/// order do not matter), its seed exactly (a JSON number holds 53 bits) and the predictor
/// store's revision. A request of many architectures keeps them as given (`archs`, compacted)
/// and the rest as JSON: encoding 1,000 architectures again was a third of a repeat's time.
struct RequestMemoKey: Hashable, Sendable, ShelvedKey {
    var method: String
    var request: JSONValue
    var seed: UInt64?
    var revision: UInt64
    var archs: [ArchitectureInput]? = nil
    /// Each method keeps its own answers.
    var shelf: String { method }
}

extension DomainServices {
    /// `rememberedFit` for a request of `Request`'s method, keyed by `RequestMemoKey`; a request
    /// that cannot be encoded again is fitted every time.
    func rememberedFit<Request: RequestType, Value: Sendable>(
        _ request: Request, seed: UInt64?, reads: (String) -> Bool,
        compute: (_ register: (TrainedPredictor, _ persist: Bool) throws(NASError) -> String?) throws(NASError) -> Value
    ) throws(NASError) -> Value {
        let json = try? JSONValueEncoder().encode(request)
        return try rememberedFit(key: { revision in
            json.map { RequestMemoKey(method: Request.method, request: $0, seed: seed, revision: revision) }
        }, reads: reads, compute: compute)
    }
}

/// `value` encoded once (`Encoded`), to be kept for repeats and sent as it is
/// (`Server.registerEncoded`); a value that cannot be encoded is an internal error.
func encoded<Value: Encodable>(_ value: Value) throws(NASError) -> Encoded<Value> {
    do { return try Encoded(value) } catch {
        throw NASError(.internal, "could not encode the answer: \(error)")
    }
}
