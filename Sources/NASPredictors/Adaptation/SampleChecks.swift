import NASCore
import NASSpaces

/// The checks every fit on a user's samples makes of the samples themselves, whatever it fits:
/// their scale against reference devices (`SampleScale`), ties (`TiedSamples`) and repeated
/// architectures (`RepeatedSamples`). `adapt`, `adaptProxy` (with or without a proxy) and
/// `finetune` each call it once, on the model they return.
public enum SampleChecks {
    /// The warnings for `samples` of `space`, judged against `references` (the devices the fit
    /// starts from, as given: a blend fitted to the samples would take on their scale).
    public static func warnings(_ samples: [LatencySample], space: any SearchSpace, references: [ProxyLatencyModel]) -> [String] {
        [SampleScale.warning(samples: samples, models: references),
         TiedSamples.warning(samples),
         RepeatedSamples.warning(samples, space: space)].compactMap { $0 }
    }
}
