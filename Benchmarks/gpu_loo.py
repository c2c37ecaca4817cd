"""What the spec-only GPU studies (spec_scale_loo.py, spec_knn_loo.py) share: the GPUs of
hardware/devices.csv with their log specs, and the leave-one-GPU-family-out rows of
`hwnas-bench predictors` §3 (every space, left-out family and batch with its training families)."""
import argparse
import numpy as np
import pandas as pd

SPEC = ["sm_count", "cuda_cores", "base_clock_mhz", "boost_clock_mhz", "memory_gb", "memory_bus_bits",
        "memory_bandwidth_gb_s", "l2_cache_mb", "tdp_w", "fp32_gflops"]
SPACES = ["nb201", "fbnet", "ofa_mbv3"]


class GPUs:
    """The measured GPUs: `batch[col]`, `fam_of[col]` (e.g. 2080ti_32 -> 2080ti), `logspec(family)`."""

    def __init__(self, fixtures):
        specs = pd.read_csv(f"{fixtures}/hardware/devices.csv").set_index("device")
        self.gpus = specs[specs["kind"] == "gpu"]
        self.batch = {d: int(self.gpus.loc[d, "batch"]) for d in self.gpus.index}
        self.fam_of = {d: d.rsplit("_", 1)[0] for d in self.gpus.index}

    def logspec(self, family):
        row = self.gpus.loc[[d for d in self.gpus.index if self.fam_of[d] == family][0], SPEC].astype(float).values
        return np.log(row)

    def distance(self, a, b):
        """Euclidean distance of two families' log specs."""
        return float(np.sqrt(np.sum((self.logspec(a) - self.logspec(b)) ** 2)))

    def nearest(self, target, candidates):
        """The candidate family nearest to `target` by log-spec distance."""
        return min(candidates, key=lambda c: self.distance(target, c))

    def left_out_rows(self, fixtures):
        """(space, latency table, left-out column, batch, training families at that batch) per §3 row."""
        for space in SPACES:
            lat = pd.read_csv(f"{fixtures}/{space}/latency.csv")
            cols = [c for c in lat.columns if c in self.batch]
            fams = sorted({self.fam_of[c] for c in cols})
            for out in fams:
                for col in sorted([c for c in cols if self.fam_of[c] == out], key=lambda c: self.batch[c]):
                    b = self.batch[col]
                    train = [f for f in fams if f != out and f"{f}_{b}" in lat]
                    if train:
                        yield space, lat, col, b, train


def gpus_from_args():
    """`--fixtures DIR` (default fixtures) -> (GPUs, the fixtures folder)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="fixtures")
    fixtures = ap.parse_args().fixtures
    return GPUs(fixtures), fixtures
