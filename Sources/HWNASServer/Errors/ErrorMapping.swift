import JSONRPC
import NASCore
import RequestServer

extension ErrorCode {
    /// The protocol code of a domain error kind.
    public init(_ kind: NASError.Kind) {
        switch kind {
        case .invalidParams: self = .invalidParams
        case .unknownSpace: self = .unknownSearchSpace
        case .unknownDevice: self = .unknownDevice
        case .unknownPredictor: self = .unknownPredictor
        case .unknownGenerator: self = .unknownGenerator
        case .invalidArchitecture: self = .invalidArchitecture
        case .insufficientSamples: self = .insufficientSamples
        case .infeasibleBudget: self = .infeasibleBudget
        case .cancelled: self = .requestCancelled
        case .storage: self = .storageError
        case .corruptFile: self = .corruptFile
        case .internal: self = .internalError
        }
    }
}

extension ResponseError {
    /// The response error of a domain error; a field becomes `params.<field>` in the message
    /// and in `data.field`.
    public init(_ e: NASError) {
        let field = e.field.map { $0.hasPrefix("[") ? "params" + $0 : "params." + $0 }
        let message = field.map { "\($0): \(e.message)" } ?? e.message
        self.init(code: ErrorCode(e.kind), message: message, data: field.map { ["field": .string($0)] })
    }
}

extension NASError: ResponseErrorConvertible {
    /// The response error of this domain error (see `ResponseError.init(_:)`).
    public var responseError: ResponseError { ResponseError(self) }
}
