"""Figures with their uncertainty, over several boots of a guest (docs/bench.md, "Uncertainty").

A label's figure is the mean over boots of each boot's median of the per-run values (one boot:
its median). Its 95% confidence interval comes from a two-level bootstrap that mirrors where the
noise comes from: resample the boots, then the runs inside each boot, and take the percentile
interval of the resampled figures. A zc/Linux (or zc/limit) ratio gets its interval from the two
independent bootstrap distributions divided pairwise. With one boot the interval says only how
precisely that boot measured; the spread between boots (under TCG larger than within one) needs
several boots, which a full `make bench` does.

`boot_interval` is the interval `harness compare` uses, Fuchsia perfcompare's rule: per boot one
figure (the median), and a Student-t interval for their mean over boots; two runs differ on a
label only when their intervals do not overlap.
"""

import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy import stats as sps

RESAMPLES = 1000
CONFIDENCE = 0.95


@dataclass
class Estimate:
    """A figure, its 95% interval and the bootstrap distribution behind it."""
    value: float
    low: float
    high: float
    boots: int
    runs: int
    dist: np.ndarray

    @property
    def interval(self) -> Tuple[float, float]:
        return (self.low, self.high)


def _rng(key: str) -> np.random.Generator:
    """A generator seeded by the label, so a report is the same each time it is computed."""
    return np.random.default_rng(zlib.crc32(key.encode()))


def _percentiles(dist: np.ndarray) -> Tuple[float, float]:
    tail = (1 - CONFIDENCE) / 2 * 100
    lo, hi = np.percentile(dist, [tail, 100 - tail])
    return float(lo), float(hi)


def estimate(boots: Sequence[Sequence[float]], key: str = "",
             resamples: int = RESAMPLES) -> Optional[Estimate]:
    """The figure of a label measured in `boots` (one sequence of per-run values per boot) and
    its bootstrap interval; None when no boot has a value."""
    samples = [np.asarray(b, dtype=float) for b in boots if len(b)]
    if not samples:
        return None
    rng = _rng(key)
    # Level 2 first: each boot's median under resampling of its runs.
    per_boot = np.empty((len(samples), resamples))
    for i, x in enumerate(samples):
        idx = rng.integers(0, len(x), size=(resamples, len(x)))
        per_boot[i] = np.median(x[idx], axis=1)
    # Level 1: which boots each resample draws (with replacement).
    pick = rng.integers(0, len(samples), size=(resamples, len(samples)))
    dist = per_boot[pick, np.arange(resamples)[:, None]].mean(axis=1)
    lo, hi = _percentiles(dist)
    value = float(np.mean([np.median(x) for x in samples]))
    return Estimate(value, min(lo, value), max(hi, value), len(samples),
                    sum(len(x) for x in samples), dist)


def ratio(a: Optional[Estimate], b: Optional[Estimate]) -> Optional[Tuple[float, float, float]]:
    """a / b with its interval (a and b measured independently): (value, low, high)."""
    if a is None or b is None or b.value <= 0 or np.any(b.dist <= 0):
        return None
    value = a.value / b.value
    lo, hi = _percentiles(a.dist / b.dist)
    return value, min(lo, value), max(hi, value)


def ratio_of_ratios(a: Optional[Estimate], a_ref: Optional[Estimate], b: Optional[Estimate],
                    b_ref: Optional[Estimate]) -> Optional[Tuple[float, float, float]]:
    """(a / a_ref) / (b / b_ref) with its interval: e.g. each system's copy over its own
    in-guest memcpy, zc's over Linux's."""
    if any(x is None or x.value <= 0 or np.any(x.dist <= 0) for x in (a_ref, b, b_ref)) \
            or a is None:
        return None
    value = (a.value / a_ref.value) / (b.value / b_ref.value)
    lo, hi = _percentiles((a.dist / a_ref.dist) / (b.dist / b_ref.dist))
    return value, min(lo, value), max(hi, value)


def judge(interval: Tuple[float, float], threshold: float, strict: bool) -> str:
    """'met' when the whole interval meets `value < threshold` (or <=), 'not met' when the whole
    interval fails it, else 'inconclusive'."""
    lo, hi = interval
    meets = (lambda x: x < threshold) if strict else (lambda x: x <= threshold)
    if meets(hi):
        return "met"
    if not meets(lo):
        return "not met"
    return "inconclusive"


def boot_interval(boots: Sequence[Sequence[float]]) -> Optional[Tuple[float, float, float]]:
    """perfcompare's interval: (mean, low, high) of the per-boot medians, Student-t at 95%.
    None with fewer than two boots (no spread between boots to go on)."""
    meds = np.array([np.median(b) for b in boots if len(b)], dtype=float)
    if len(meds) < 2:
        return None
    m = float(meds.mean())
    sem = float(meds.std(ddof=1) / np.sqrt(len(meds)))
    if sem == 0:
        return m, m, m
    lo, hi = sps.t.interval(CONFIDENCE, len(meds) - 1, loc=m, scale=sem)
    return m, float(lo), float(hi)


def overlap(a: Tuple[float, float], b: Tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def by_label(boots: Sequence[Dict[str, Sequence[float]]], label: str) -> List[Sequence[float]]:
    """The per-boot values of one label (boots that lack it are left out)."""
    return [b[label] for b in boots if label in b and len(b[label])]
