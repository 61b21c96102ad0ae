"""Between-session comparison: FES on against off, or one visit against the next.

Per side and key metric: the change of the per-session median (or of a rate) with a
percentile-bootstrap confidence interval over strides, judged against a minimal clinically
important difference (MCID), with its clinical direction and a plain-language sentence.
See docs/compare.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footdrop.errors import ConfigError, ReadError

#: Fewer strides than this (with a value) in either session: no CI, no verdict.
MIN_STRIDES = 5
#: ``mcid_source`` of the thresholds that footdrop derives from its own measurement error.
ENGINE_SOURCE = "footdrop: measurement-error based, no published MCID"
_STREET = "Street et al. 2015"
_HOBART = "Hobart et al. 2013"
_MAX_CELLS = 4_000_000  # bootstrap index cells per block (bounds memory on long recordings)


@dataclass(frozen=True)
class Threshold:
    """One clinically important difference: absolute (metric unit) or relative to session A."""

    value: float
    name: str  # short name for ``mcid_passed``
    source: str
    phrase: str  # for sentences; ``{v}`` is the absolute threshold with its unit
    relative: bool = False

    def absolute(self, median_a: float) -> float:
        return self.value * abs(median_a) if self.relative else self.value


def _engine(value: float, shown: str) -> Threshold:
    return Threshold(value, f"{shown} (footdrop)", ENGINE_SOURCE,
                     "footdrop's measurement-error threshold of {v} (no published MCID)")


@dataclass(frozen=True)
class Metric:
    """A key metric: how to get it per stride, which way is better, its MCIDs and display."""

    name: str
    label: str
    unit: str  # unit of the values in ``changes_`` (CONTRACT.md units; rates as fractions)
    columns: tuple[str, ...]  # strides.csv columns it needs
    better: int  # +1: higher is better, -1: lower is better
    thresholds: tuple[Threshold, ...]
    scale: float = 1.0  # display = value * scale
    decimals: int = 2
    shown: str = ""  # unit after a displayed value
    change_unit: str = ""  # unit after a displayed change
    rate: bool = False  # mean of a 0/1 per stride instead of a median
    relative: bool = True  # change_pct is meaningful
    short: str = ""  # label in tables, when shorter than ``label``


def _m(name, label, unit, better, thresholds, columns=None, **kw) -> Metric:
    return Metric(name, label, unit, columns or (name,), better, thresholds, **kw)


_PP = dict(scale=100.0, decimals=0, change_unit=" percentage points", rate=True, relative=False)
#: The key metrics in report order, with their MCIDs and sources (see docs/compare.md).
METRICS: dict[str, Metric] = {m.name: m for m in [
    _m("gait_speed_mps", "gait speed", "m/s", +1, (
        Threshold(0.20, "20% relative", _HOBART, "the 20% clinically important change of "
                  f"{_HOBART} ({{v}} here)", relative=True),
        Threshold(0.10, "substantial 0.10 m/s", _STREET,
                  f"the substantial clinically important difference of {{v}} ({_STREET})"),
        Threshold(0.05, "small 0.05 m/s", _STREET,
                  f"the small clinically important difference of {{v}} ({_STREET})"),
    ), shown=" m/s", change_unit=" m/s"),
    _m("stride_length_m", "stride length", "m", +1, (_engine(0.05, "0.05 m"),),
       shown=" m", change_unit=" m"),
    _m("foot_strike_angle_deg", "foot strike angle", "deg", +1, (_engine(5.0, "5 deg"),),
       decimals=1, shown="°", change_unit="°", relative=False),
    _m("min_toe_clearance_m", "minimum toe clearance", "m", +1, (_engine(0.005, "5 mm"),),
       short="MTC", scale=1000.0, decimals=1, shown=" mm", change_unit=" mm"),
    _m("mid_swing_pitch_deg", "mid-swing pitch", "deg", +1, (_engine(5.0, "5 deg"),),
       decimals=1, shown="°", change_unit="°", relative=False),
    _m("max_toe_clearance_m", "late-swing toe clearance", "m", +1, (_engine(0.01, "10 mm"),),
       short="max toe clearance", scale=1000.0, decimals=0, shown=" mm", change_unit=" mm"),
    _m("toe_scuff_rate", "toe-scuff rate", "fraction", -1, (_engine(0.10, "10 pp"),),
       columns=("toe_scuff",), shown="% of strides", **_PP),
    _m("no_mtc_rate", "share of strides without an MTC", "fraction", -1,
       (_engine(0.10, "10 pp"),), columns=("min_toe_clearance_m",), shown="%",
       short="strides without MTC", **_PP),
    _m("stride_time_s", "stride time", "s", -1, (_engine(0.05, "0.05 s"),),
       shown=" s", change_unit=" s"),
    _m("stance_fraction", "stance share", "fraction", -1, (_engine(0.03, "3 pp"),),
       columns=("stance_time_s", "stride_time_s"), shown="% of the stride",
       **{**_PP, "rate": False, "decimals": 1}),
    _m("lateral_excursion_m", "lateral excursion", "m", -1, (_engine(0.02, "20 mm"),),
       scale=1000.0, decimals=0, shown=" mm", change_unit=" mm"),
]}
SIDES = ("left", "right")
COLUMNS = ["side", "metric", "unit", "n_a", "n_b", "median_a", "median_b", "change",
           "change_pct", "ci_low", "ci_high", "mcid", "mcid_source", "passes_mcid",
           "point_beyond_mcid", "mcid_passed", "direction", "text"]


def _values(metric: Metric, df: pd.DataFrame) -> np.ndarray:
    """Per-stride values of ``metric`` (NaN dropped; rates as 0/1)."""
    if metric.name == "no_mtc_rate":
        return df["min_toe_clearance_m"].isna().to_numpy(float)
    if metric.name == "stance_fraction":
        x = (df["stance_time_s"] / df["stride_time_s"]).to_numpy(float)
    else:
        x = df[metric.columns[0]].to_numpy(float)
    return x[np.isfinite(x)]


def _boot(x: np.ndarray, n_boot: int, rng: np.random.Generator, stat) -> np.ndarray:
    """``stat`` of ``n_boot`` resamples of ``x``: an index matrix, reduced along axis 1."""
    out = np.empty(n_boot)
    block = max(1, _MAX_CELLS // len(x))  # one block unless the session is very long
    for start in range(0, n_boot, block):
        stop = min(n_boot, start + block)
        out[start:stop] = stat(x[rng.integers(0, len(x), size=(stop - start, len(x)))], axis=1)
    return out


class SessionComparison:
    """Compare two sessions' strides (CONTRACT.md ``strides.csv`` tables) per side and metric.

    Parameters
    ----------
    n_boot
        Bootstrap replicates.
    confidence
        Level of the confidence intervals, e.g. 0.95.
    seed
        Seed of the numpy Generator; the same seed gives the same intervals. ``None``: fresh
        entropy (the seed used is stored in ``seed_``).
    metrics
        Names from :data:`METRICS` to report; ``None``: all.
    level_only
        Use only level-walking strides (``level_walking`` column, when present).

    Statistics: per session the median of the strides' values (for the rates, the share of
    strides). The CI of the change (B − A) is the percentile bootstrap, strides resampled
    independently within each session. With fewer than :data:`MIN_STRIDES` values in either
    session the CI is NaN and there is no verdict.

    Rules: ``direction`` is 'better' or 'worse' (clinical sense of the metric) when the CI
    excludes zero, else 'no clear change'. ``passes_mcid`` is True when the whole CI lies
    beyond the MCID in one direction (``ci_low >= mcid`` or ``ci_high <= -mcid``);
    ``point_beyond_mcid`` (weaker) when ``|change| >= mcid``. ``mcid`` is the smallest of the
    metric's thresholds (for gait speed: 0.05 m/s or 20 % of session A's speed, whichever is
    smaller); ``mcid_passed`` names the largest threshold of each source that the CI passes.

    Attributes
    ----------
    changes_ : DataFrame
        One row per side × metric with the columns of :data:`COLUMNS`.
    n_strides_ : dict
        Strides used per side and session, ``{"left": {"a": n, "b": n}, ...}``.
    label_a_, label_b_ : str
        Names of the sessions.
    seed_ : int
        The seed used.
    """

    def __init__(self, n_boot: int = 2000, confidence: float = 0.95, seed: int | None = 0,
                 metrics: list[str] | None = None, level_only: bool = True) -> None:
        self.n_boot = n_boot
        self.confidence = confidence
        self.seed = seed
        self.metrics = metrics
        self.level_only = level_only

    def compare(self, strides_a: pd.DataFrame, strides_b: pd.DataFrame, *,
                label_a: str = "A", label_b: str = "B") -> SessionComparison:
        """Compare session B against session A; results in ``changes_``."""
        metrics = self._check()
        for df, label in ((strides_a, label_a), (strides_b, label_b)):
            missing = _missing_columns(df, metrics)
            if missing:
                raise ConfigError(f"the strides of session {label} lack column(s) "
                                  f"{', '.join(missing)}",
                                  fix="pass a strides table as written by footdrop analyze")
        self.label_a_, self.label_b_ = str(label_a), str(label_b)
        self.seed_ = int(np.random.SeedSequence().entropy if self.seed is None else self.seed)
        rows, self.n_strides_ = [], {}
        for i, side in enumerate(SIDES):
            a, b = self._select(strides_a, side), self._select(strides_b, side)
            self.n_strides_[side] = {"a": len(a), "b": len(b)}
            for metric in metrics:
                j = list(METRICS).index(metric.name)  # stream independent of the selection
                rng = np.random.default_rng([self.seed_, i, j])
                rows.append(self._row(side, metric, _values(metric, a), _values(metric, b), rng))
        self.changes_ = pd.DataFrame(rows, columns=COLUMNS)
        return self

    def _check(self) -> list[Metric]:
        if not (isinstance(self.n_boot, int | np.integer) and self.n_boot >= 100):
            raise ConfigError(f"n_boot (--n-boot) = {self.n_boot!r} is too small",
                              fix="use at least 100 bootstrap replicates (default 2000)")
        if not 0.5 <= float(self.confidence) < 1:
            raise ConfigError(f"confidence={self.confidence!r} is not in [0.5, 1)",
                              fix="give a level such as 0.95")
        names = list(METRICS) if self.metrics is None else list(self.metrics)
        unknown = [n for n in names if n not in METRICS]
        if unknown or not names:
            raise ConfigError(f"unknown or no metric(s): {', '.join(unknown) or 'none'}",
                              fix=f"choose from {', '.join(METRICS)}")
        return [METRICS[n] for n in names]

    def _select(self, df: pd.DataFrame, side: str) -> pd.DataFrame:
        keep = df["side"].astype(str).str.strip().str.lower() == side
        if self.level_only and "level_walking" in df.columns:
            level = df["level_walking"]
            if level.dtype == object:
                level = level.astype(str).str.strip().str.lower().isin(["true", "1", "1.0"])
            keep &= level.fillna(False).astype(bool)
        return df[keep.to_numpy()]

    def _row(self, side: str, metric: Metric, xa: np.ndarray, xb: np.ndarray,
             rng: np.random.Generator) -> dict[str, Any]:
        stat = np.mean if metric.rate else np.median
        med_a = float(stat(xa)) if len(xa) else math.nan
        med_b = float(stat(xb)) if len(xb) else math.nan
        change = med_b - med_a
        lo = hi = math.nan
        enough = min(len(xa), len(xb)) >= MIN_STRIDES
        if enough:
            diff = _boot(xb, self.n_boot, rng, stat) - _boot(xa, self.n_boot, rng, stat)
            tail = (1 - self.confidence) / 2
            lo, hi = (float(v) for v in np.quantile(diff, [tail, 1 - tail]))
        limits = sorted(((t.absolute(med_a), t) for t in metric.thresholds
                         if t.absolute(med_a) > 0), key=lambda p: -p[0])
        mcid, smallest = limits[-1] if limits else (math.nan, metric.thresholds[-1])
        passed, seen = [], set()
        for value, t in limits:  # the largest passed threshold of each source
            if enough and (lo >= value or hi <= -value) and t.source not in seen:
                passed.append((value, t))
                seen.add(t.source)
        if enough and (lo > 0 or hi < 0):
            direction = "better" if np.sign(change) == metric.better else "worse"
        else:
            direction = "no clear change"
        row = {
            "side": side, "metric": metric.name, "unit": metric.unit, "n_a": len(xa),
            "n_b": len(xb), "median_a": med_a, "median_b": med_b, "change": change,
            "change_pct": 100 * change / abs(med_a) if metric.relative and med_a else math.nan,
            "ci_low": lo, "ci_high": hi, "mcid": mcid, "mcid_source": smallest.source,
            "passes_mcid": bool(passed), "point_beyond_mcid": bool(enough and abs(change) >= mcid),
            "mcid_passed": "; ".join(f"{t.name} ({t.source})" for _, t in passed),
            "direction": direction,
        }
        row["text"] = self._sentence(metric, row, passed, smallest)
        return row

    def _sentence(self, metric: Metric, row: dict[str, Any], passed: list,
                  smallest: Threshold) -> str:
        f = _formatter(metric)
        head = f"{row['side'].capitalize()}: {metric.label}"
        a, b, change = row["median_a"], row["median_b"], row["change"]
        if not np.isfinite(row["ci_low"]):
            return (f"{head} {f(a)} ({self.label_a_}) and {f(b)}{metric.shown} "
                    f"({self.label_b_}): too few strides to compare (n = {row['n_a']} and "
                    f"{row['n_b']}; at least {MIN_STRIDES} needed in each session).")
        ci = (f"({f(change, True)}{metric.change_unit}, {self.confidence * 100:g}% CI "
              f"{f(row['ci_low'], True)} to {f(row['ci_high'], True)})")
        if f(a) == f(b):
            head += f" was {f(a)}{metric.shown} in both sessions {ci}"
        else:
            verb = "rose" if change > 0 else "fell"
            head += f" {verb} from {f(a)} to {f(b)}{metric.shown} {ci}"
        v = f"{f(row['mcid'])}{metric.change_unit}"
        minimal = smallest.phrase.format(v=v)
        word = "improvement" if row["direction"] == "better" else "worsening"
        if passed:
            parts = [t.phrase.format(v=f"{f(x)}{metric.change_unit}") for x, t in passed]
            return f"{head}; this {word} exceeds {' and '.join(parts)}."
        if row["direction"] != "no clear change":
            if row["point_beyond_mcid"]:
                return (f"{head}; a clear {word} whose estimate exceeds {minimal}, but the CI "
                        "does not lie wholly beyond it.")
            return f"{head}; a clear {word}, but smaller than {minimal}."
        if -row["mcid"] < row["ci_low"] and row["ci_high"] < row["mcid"]:
            return f"{head}; no clinically important change: the whole CI is within {minimal}."
        return f"{head}; no clear change: the CI includes zero and changes beyond {minimal}."

    # ------------------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready results (NaN as None)."""
        params = {k: getattr(self, k) for k in
                  ("n_boot", "confidence", "seed", "metrics", "level_only")}
        return {
            "schema": "footdrop.compare/1",
            "label_a": self.label_a_, "label_b": self.label_b_,
            "parameters": {**params, "seed_used": self.seed_, "min_strides": MIN_STRIDES},
            "n_strides": self.n_strides_,
            "changes": [{k: _json(v) for k, v in r.items()}
                        for r in self.changes_.to_dict("records")],
            "thresholds": {m.name: [{"value": t.value, "relative": t.relative, "name": t.name,
                                     "source": t.source} for t in m.thresholds]
                           for m in METRICS.values()},
        }

    def display_table(self) -> pd.DataFrame:
        """``changes_`` as strings in display units, one row per side × metric."""
        out = []
        key_a, key_b = ((self.label_a_, self.label_b_) if self.label_a_ != self.label_b_
                        else ("A", "B"))
        for r in self.changes_.to_dict("records"):
            m = METRICS[r["metric"]]
            f = _formatter(m)
            ci = ("" if not np.isfinite(r["ci_low"]) else
                  f" [{f(r['ci_low'], True)}, {f(r['ci_high'], True)}]")
            passes = ("yes" if r["passes_mcid"] else
                      "estimate" if r["point_beyond_mcid"] else "no")
            unit = "%" if m.scale == 100 else m.change_unit.strip()
            out.append({"side": r["side"], "metric": f"{m.short or m.label} ({unit})",
                        key_a: f(r["median_a"]), key_b: f(r["median_b"]),
                        f"change [{self.confidence * 100:g}% CI]": f(r["change"], True) + ci,
                        "MCID": f(r["mcid"]), "passes": passes, "direction": r["direction"]})
        return pd.DataFrame(out)

    def to_markdown(self, sentences: bool = True) -> str:
        """A Markdown table of the changes, then (optionally) the sentences as a list."""
        table = self.display_table()
        head = [str(c) for c in table.columns]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |"
                  for row in table.itertuples(index=False)]
        if sentences:
            lines += [""] + [f"- {t}" for t in self.changes_["text"]]
        return "\n".join(lines) + "\n"


def _formatter(metric: Metric) -> Callable[..., str]:
    def fmt(v: float, signed: bool = False) -> str:
        if v is None or not np.isfinite(v):
            return "n/a"
        x = round(v * metric.scale, metric.decimals) + 0.0  # no "-0"
        return f"{x:{'+' if signed else ''}.{metric.decimals}f}"
    return fmt


def _json(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return None if not math.isfinite(v) else round(v, 9)
    return v


def _missing_columns(df: pd.DataFrame, metrics: list[Metric]) -> list[str]:
    need = ["side", *dict.fromkeys(c for m in metrics for c in m.columns)]
    return [c for c in need if c not in df.columns]


def read_strides(path: str | Path, metrics: list[str] | None = None) -> pd.DataFrame:
    """``strides.csv`` of a session folder (or the file itself), checked for the columns."""
    path = Path(path)
    file = path / "strides.csv" if path.is_dir() else path
    fix = f"run footdrop analyze RECORDING --out {path if path.is_dir() else path.parent}"
    if not path.exists():
        raise ReadError("no such session folder or strides file", file=path,
                        fix="give a folder written by footdrop analyze --out DIR, or its "
                            "strides.csv")
    if not file.is_file():
        raise ReadError("no strides.csv in this session folder", file=file, fix=fix)
    try:
        df = pd.read_csv(file)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ReadError(f"cannot read the strides table ({err})".replace("\n", " "),
                        file=file, fix=fix) from None
    chosen = [METRICS[n] for n in (metrics or METRICS) if n in METRICS]
    missing = _missing_columns(df, chosen)
    if missing:
        raise ReadError(f"missing column(s) {', '.join(missing)}", file=file,
                        fix=f"give a strides.csv as written by footdrop analyze ({fix})")
    for col in dict.fromkeys(c for m in chosen for c in m.columns):
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise ReadError(f"column {col} has non-numeric values", file=file,
                            fix="leave missing values empty and write numbers with a point")
    return df


def compare_sessions(a: str | Path | pd.DataFrame, b: str | Path | pd.DataFrame, *,
                     label_a: str | None = None, label_b: str | None = None,
                     **params: Any) -> SessionComparison:
    """Compare session B against A: session folders (with strides.csv) or strides tables.

    ``params`` go to :class:`SessionComparison`. Labels default to the folder names (or
    "A"/"B" for tables).
    """
    tables, labels = [], []
    for x, label, default in ((a, label_a, "A"), (b, label_b, "B")):
        if isinstance(x, pd.DataFrame):
            tables.append(x)
        else:
            tables.append(read_strides(x, params.get("metrics")))
            default = Path(x).name if Path(x).is_dir() else Path(x).parent.name
        labels.append(label or default)
    if labels[0] == labels[1] and not (label_a or label_b):
        labels = [f"{labels[0]} (A)", f"{labels[1]} (B)"]
    return SessionComparison(**params).compare(*tables, label_a=labels[0], label_b=labels[1])
