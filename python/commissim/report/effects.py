"""Paired differences as a reader sees them: the relative difference with Fieller's interval
(the ratio of means; it stops at −100% for what cannot be negative), the absolute difference
where the base is a small count or the ratio's interval is unbounded, whether the difference is
clear (its 95% interval excludes zero), and the sentence that says it in plain words."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, List, Sequence

import numpy as np

from .catalogue import Metric, fmt_diff

SMALL_BASE = 100  # counts below this get their absolute difference beside the relative one
COUNT_UNITS = ("children", "placements", "providers", "contracts", "tenders", "bids")


def _num(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


@dataclass
class Effect:
    metric: Metric
    mean_a: float
    mean_b: float
    diff: float
    low: float
    high: float
    rel: float
    rel_low: float
    rel_high: float
    n: int

    @classmethod
    def from_row(cls, metric: Metric, row) -> "Effect":
        """From a row of comparison.csv (a dict or a pandas row)."""
        g = lambda k: _num(row[k])  # noqa: E731 (a missing column is a damaged file: KeyError, said by report())
        n = g("n")
        return cls(metric, g("mean_a"), g("mean_b"), g("diff"), g("diff_ci95_low"), g("diff_ci95_high"),
                   g("rel_diff"), g("rel_ci95_low"), g("rel_ci95_high"), int(n) if n == n else 0)

    @classmethod
    def from_pairs(cls, metric: Metric, a: Sequence[float], b: Sequence[float]) -> "Effect":
        """From paired replications (common random numbers): t interval of the mean difference,
        Fieller's interval of mean B / mean A − 1 (as commissim's comparison.csv computes it)."""
        a, b = np.asarray(a, float), np.asarray(b, float)
        n = len(a)
        d = b - a
        ma, mb, md = a.mean() if n else math.nan, b.mean() if n else math.nan, d.mean() if n else math.nan
        if n < 2:
            return cls(metric, ma, mb, md, math.nan, math.nan, (mb - ma) / abs(ma) if ma else math.nan, math.nan, math.nan, n)
        from scipy import stats  # noqa: PLC0415 (scipy comes with SALib)
        t = stats.t.ppf(0.975, n - 1)
        half = t * d.std(ddof=1) / math.sqrt(n)
        rel = (mb - ma) / abs(ma) if ma else math.nan
        lo, hi = fieller(a, b, t)
        if not math.isnan(lo) and (a >= 0).all() and (b >= 0).all():
            lo = max(-1.0, lo)
        return cls(metric, ma, mb, md, md - half, md + half, rel, lo, hi, n)

    @property
    def clear(self) -> bool:
        return self.low > 0 or self.high < 0

    @property
    def bounded(self) -> bool:
        return not (math.isnan(self.rel_low) or math.isnan(self.rel_high))

    @property
    def absolute_too(self) -> bool:
        """Whether the absolute difference is the honest way to say it: a small count (under
        100 as a base, where one more or fewer is a large share) or a ratio without a bounded interval."""
        small = self.metric.unit in COUNT_UNITS and abs(self.mean_a) < SMALL_BASE
        return small or not self.bounded

    @property
    def verdict(self) -> str:
        if self.n < 2:
            return "one replication: no interval"
        if not self.clear:
            return "no clear difference"
        if not self.metric.better:
            return "higher" if self.low > 0 else "lower"
        good = (self.low > 0) == (self.metric.better > 0)
        return "better" if good else "worse"

    def text(self) -> str:
        """`+1.2% (+0.4% to +2.0%)`, with the absolute difference where it says more."""
        unit = self.metric.measured_unit
        if math.isnan(self.rel):
            out = "(no base)"
        elif self.bounded:
            out = f"{pct(self.rel)} ({pct(self.rel_low)} to {pct(self.rel_high)})"
        else:
            out = f"{pct(self.rel)} (relative interval unbounded)"
        if self.absolute_too:
            out += f"; {fmt_diff(self.diff, unit)} ({fmt_diff(self.low, unit)} to {fmt_diff(self.high, unit)})"
        return out

    def size(self) -> str:
        """The size of the effect for a sentence: relative, or absolute for small counts."""
        if self.absolute_too or math.isnan(self.rel):
            return fmt_diff(self.diff, self.metric.measured_unit)
        return pct(self.rel)


def pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:+.1f}%"


def fieller(a: np.ndarray, b: np.ndarray, t: float):
    """Fieller's interval for mean(b) / |mean(a)| − 1 from paired samples; (nan, nan) when mean(a)
    is not clearly non-zero (the interval is unbounded)."""
    n = len(a)
    ma, mb = a.mean(), b.mean()
    saa, sbb = a.var(ddof=1) / n, b.var(ddof=1) / n
    sab = np.cov(a, b, ddof=1)[0, 1] / n
    qa = ma * ma - t * t * saa
    if qa <= 0:
        return math.nan, math.nan
    qb = ma * mb - t * t * sab
    qc = mb * mb - t * t * sbb
    disc = max(0.0, qb * qb - qa * qc)
    r1, r2 = (qb - math.sqrt(disc)) / qa, (qb + math.sqrt(disc)) / qa
    return (r1 - 1, r2 - 1) if ma > 0 else (1 - r2, 1 - r1)


def concern_words(concern: str) -> str:
    """How a sentence names a concern: "children", "councils", "the public purse", "the market"."""
    return concern if concern in ("children", "councils") else "the " + concern


def plain_words(effects: Iterable[Effect], label_a: str, label_b: str, concerns: List[str]) -> str:
    """One paragraph: with B instead of A, what differs clearly, grouped by who it concerns in
    the catalogue's order (children first), then what does not differ."""
    effects = list(effects)
    if effects and all(e.n < 2 for e in effects):
        return f"With one replication there are no intervals: run more replications to compare {label_b} with {label_a}."
    parts, unclear = [], []
    for concern in concerns:
        clear = []
        for e in effects:
            if e.metric.concern != concern:
                continue
            if e.clear:
                way = "higher" if e.low > 0 else "lower"
                judged = {"better": ", better", "worse": ", worse"}.get(e.verdict, "")
                clear.append(f"{e.metric.label[0].lower() + e.metric.label[1:]} {way} ({e.size()}{judged})")
            else:
                unclear.append(e.metric.label[0].lower() + e.metric.label[1:])
        if clear:
            parts.append((f"for {concern_words(concern)}: " if concern != "other" else "") + "; ".join(clear))
    if not parts:
        text = f"With {label_b} instead of {label_a}, no clear difference in any of these measures."
    else:
        text = f"With {label_b} instead of {label_a}: " + ". ".join(p[0].upper() + p[1:] for p in parts) + "."
    if unclear and parts:
        text += " No clear difference in: " + ", ".join(unclear) + "."
    return text[0].upper() + text[1:]
