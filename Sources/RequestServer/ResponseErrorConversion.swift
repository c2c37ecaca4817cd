import JSONRPC

/// An error type that knows its JSON-RPC error object. An application makes its domain error
/// conform (hwnasd: `NASError` in HWNASServer's ErrorMapping) so that handlers can throw it.
public protocol ResponseErrorConvertible: Error {
    /// The error object the client receives.
    var responseError: ResponseError { get }
}

extension ResponseError {
    /// The response error of anything a handler throws: itself, a `ResponseErrorConvertible`,
    /// a params decoding error (-32602), a cancellation (-32800), else an internal error (-32603).
    public init(handlerError error: any Error) {
        switch error {
        case let e as ResponseError: self = e
        case let e as any ResponseErrorConvertible: self = e.responseError
        case let e as JSONDecodingError: self = .invalidParams(e)
        case is CancellationError: self = .cancelled
        default: self.init(code: .internalError, message: "internal error: \(error)")
        }
    }
}
