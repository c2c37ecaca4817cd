// The neural engine (MLP, Adam, kernels, solvers) lives in NASNeural; importers of
// NASPredictors see it too.
@_exported import NASNeural
