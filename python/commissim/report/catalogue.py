"""What the report knows about metrics: units, measures and the headline list, from the
binary's own catalogue (`commissim columns --json`, declared once in the Swift sources), and how
to show a metric's values with their unit."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional

from .._cli import CommissimError, call


#: The months an "end" level is the mean of (RunSummary.swift): a year, or all of a shorter run.
END_MONTHS = 12


def end_window(months: int) -> int:
    """The months the "end" levels of a run of `months` months are means of."""
    return max(1, min(END_MONTHS, int(months)))


def months_words(n: int) -> str:
    return "month" if n == 1 else f"{n} months"


@dataclass(frozen=True)
class Metric:
    """One metric as a report shows it: `measure` "end" (mean of the last `window` months) or "total"
    (summed over the run); `better` +1, −1 or 0 (no direction); `concern` who it speaks for."""
    name: str
    measure: str
    unit: str
    meaning: str
    label: str
    concern: str = "other"
    better: int = 0
    #: the months an "end" level is the mean of: 12, or all of a shorter run (RunSummary.swift)
    window: int = END_MONTHS

    @property
    def measured_unit(self) -> str:
        """The unit of the measured value: a flow's total drops the "/month"."""
        if self.measure == "total" and self.unit.endswith("/month"):
            return self.unit[: -len("/month")]
        return self.unit

    @property
    def measure_words(self) -> str:
        if self.measure == "group":
            return self.meaning.rsplit("(", 1)[-1].rstrip(")") if "(" in self.meaning else "over the run"
        if self.measure == "total":
            return "total over the run"
        return f"mean of the last {months_words(self.window)}"


@dataclass
class Catalogue:
    metrics: Dict[str, Metric]
    headline: List[Metric]
    concerns: List[str]
    #: the metrics of comparison_groups.csv (`compare --by`), by name
    groups: Dict[str, Metric] = None

    def get(self, name: str, measure: Optional[str] = None) -> Metric:
        m = self.metrics.get(name)
        if m is None:
            raise CommissimError(f"{name!r} is not a metric", key="metrics", fix="name columns of `commissim columns`")
        if measure and measure != m.measure:
            return Metric(m.name, measure, m.unit, m.meaning, m.label, m.concern, m.better, m.window)
        return m

    def chosen(self, names: Optional[List[str]]) -> List[Metric]:
        """The metrics a report shows: `names` in order, else the headline list."""
        return [self.get(n) for n in names] if names else list(self.headline)


def _first_clause(meaning: str) -> str:
    """A short label from a meaning: its first clause, capitalised ("children waiting for a service")."""
    for sep in (":", ", ", " ("):
        meaning = meaning.split(sep)[0]
    return meaning[0].upper() + meaning[1:]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = json.loads(call(["columns", "--json"], quiet=True, capture=True))
    metrics: Dict[str, Metric] = {}
    for c in data["timeseries"]:
        if "measure" in c:  # month and year are the clock, not metrics
            metrics[c["name"]] = Metric(c["name"], c["measure"], c["unit"], c["meaning"], _label(c["name"]))
    headline = []
    for h in data["headline"]:
        base = metrics[h["name"]]
        m = Metric(base.name, h["measure"], base.unit, base.meaning, h["label"], h["concern"], int(h["better"]))
        metrics[m.name] = m
        headline.append(m)
    groups = {c["name"]: Metric(c["name"], "group", c["unit"], c["meaning"] + f" ({c.get('combine', 'over the run')})",
                                _first_clause(c["meaning"]), "other", GROUP_BETTER.get(c["name"], 0)) for c in data["groups"]}
    return Catalogue(metrics=metrics, headline=headline, concerns=list(data["concerns"]) + ["other"], groups=groups)


#: Which way is better for the per-council measures a report shows by group.
GROUP_BETTER = {"outcome_mean": 1, "quality_received": 1, "children_waiting": -1, "spend": -1, "providers_trust": 1}
#: The per-council measures a report shows by group, in order.
GROUP_SHOWN = ["outcome_mean", "quality_received", "children_waiting", "spend", "providers_trust", "breaks"]


# --- values with units --------------------------------------------------------------------------

def _is_money(unit: str) -> bool:
    return unit.startswith("£")


def _is_share(unit: str) -> bool:
    return unit == "share"


def money_scale(max_abs: float):
    """(divisor, word) so that money reads in units, thousands, millions or billions."""
    for d, w in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if max_abs >= d:
            return d, w
    return 1.0, ""


def fmt_value(x: float, unit: str) -> str:
    """A value with its unit, compactly: £1.23 bn, 12.3%, 4,512 children."""
    if x != x:
        return "–"
    if _is_money(unit):
        d, w = money_scale(abs(x))
        rest = unit[1:]
        # At least three significant figures: £1.15 k/week, not £1.1 k (two fees 0.5% apart read
        # as £1.1 k and £1.2 k beside "no clear difference").
        v = abs(x) / d
        digits = max(2 if d >= 1e9 else 1 if d > 1 else 0, 0 if v == 0 else 2 if v < 10 else 1 if v < 100 else 0)
        return f"£{x / d:,.{digits}f}{(' ' + w) if w else ''}{rest}"
    if _is_share(unit):
        return f"{100 * x:.1f}%"
    a = abs(x)
    if a >= 1000:
        text = f"{x:,.0f}"
    elif a >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.3g}"
    return f"{text} {unit}" if unit and unit not in ("ratio", "score 0-1", "0-10000") else text


def fmt_diff(x: float, unit: str) -> str:
    """A difference with its sign and unit (shares in percentage points)."""
    if x != x:
        return "–"
    if _is_share(unit):
        return f"{100 * x:+.1f} pp"
    text = fmt_value(abs(x), unit)
    return ("+" if x >= 0 else "−") + text


def axis_label(metric: Metric, max_abs: float):
    """(divisor, axis label with unit) for plotting `metric`'s values (no '1e8' offsets)."""
    unit = metric.measured_unit if metric.measure == "total" else metric.unit
    if _is_money(unit):
        d, w = money_scale(max_abs)
        per = unit[1:].replace("/", " per ")
        words = {"bn": "£ billion", "m": "£ million", "k": "£ thousand", "": "£"}[w]
        return d, f"{metric.label} ({words}{per})"
    if _is_share(unit):
        return 0.01, f"{metric.label} (%)"
    names = {"score 0-1": "score, 0–1", "0-10000": "0–10,000", "ratio": "ratio"}
    return 1.0, f"{metric.label} ({names.get(unit, unit)})" if unit else metric.label
