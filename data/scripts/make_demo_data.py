"""Make the synthetic, seeded demo extracts in data/extracts/YYYY-MM/ (2021-04 to 2026-10).

Why: the pack, its tests and its reviewers need five and a half years of monthly scorecards that
look like the real thing (calibrated to Rotherham's published figures, with binomial and Poisson
noise from realistic denominators) and that contain known events (shifts, a trend, outliers, a
process change, seasonality, a missing month, revisions) so the SPC verdicts can be checked.

Everything comes from data/scripts/demo_config.yml and the catalogue (data/measures.yml): levels,
noise, events and the seed. The output is deterministic: numpy's default_rng seeded per series,
fixed XLSX document and zip times, no wall clock. Run:

    .venv/bin/python data/scripts/make_demo_data.py             # into the project's data/
    .venv/bin/python data/scripts/make_demo_data.py --root DIR  # into DIR/extracts, DIR/*.yml
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from helpers.inputs.catalogue import Catalogue, Measure, load_catalogue

HERE = Path(__file__).resolve().parent
CONFIG_PATH = HERE / "demo_config.yml"
DATA_DIR = HERE.parent

HEADER = ["measure_id", "period", "value", "numerator", "denominator", "measure_title"]
FORCED_KINDS = ("outlier", "common_cause_move")
LEVEL_KINDS = ("level_shift", "process_change", "trend")
DOC_ONLY_KINDS = ("seasonal", "trajectory", "missing_month", "revision", "target")


# --------------------------------------------------------------------------------------------
# Months and level paths
# --------------------------------------------------------------------------------------------
def month_range(start: str, end: str) -> pd.PeriodIndex:
    """Monthly periods from start to end inclusive ('2021-04' style)."""
    return pd.period_range(pd.Period(str(start), "M"), pd.Period(str(end), "M"), freq="M")


def level_path(spec: Any, months: pd.PeriodIndex) -> np.ndarray:
    """A number (flat) or {YYYY-MM: value} anchors joined linearly and held flat at both ends."""
    if isinstance(spec, dict):
        anchors = sorted((pd.Period(str(k), "M").ordinal, float(v)) for k, v in spec.items())
        xs = np.array([a for a, _ in anchors], dtype=float)
        ys = np.array([b for _, b in anchors], dtype=float)
        return np.interp(months.asi8.astype(float), xs, ys)
    return np.full(len(months), float(spec))


def population(config: dict[str, Any], months: pd.PeriodIndex) -> np.ndarray:
    """0-17 population for each month: April Y to March Y+1 use the mid-Y estimate."""
    by_year = {int(k): int(v) for k, v in config["population"].items()}
    first, last = min(by_year), max(by_year)
    years = [m.year if m.month >= 4 else m.year - 1 for m in months]
    return np.array([by_year[min(max(y, first), last)] for y in years], dtype=np.int64)


def seasonal_factors(
    config: dict[str, Any], name: str | None, months: pd.PeriodIndex
) -> np.ndarray:
    """Month-of-year multipliers normalised to average exactly 1 over the year."""
    if not name:
        return np.ones(len(months))
    table = {int(k): float(v) for k, v in config["seasonal"][name].items()}
    mean = sum(table.values()) / 12
    return np.array([table[m.month] / mean for m in months])


def rng_for(seed: int, name: str, offset: int = 0) -> np.random.Generator:
    """One independent stream per series, so tuning one measure never disturbs another."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode()), int(offset)])


def ar1(rng: np.random.Generator, n: int, sd: float, phi: float) -> np.ndarray:
    """AR(1) noise: snapshots and averages move smoothly from month to month."""
    out = np.zeros(n)
    prev = rng.normal(0, sd / np.sqrt(max(1 - phi**2, 1e-9)))
    for i in range(n):
        prev = phi * prev + rng.normal(0, sd)
        out[i] = prev
    return out


def ar1_sigma(sd: float, phi: float) -> float:
    """The XmR (moving range) sigma of AR(1) noise: sd / sqrt(1 + phi)."""
    return sd / np.sqrt(1 + phi)


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
@dataclass
class Event:
    measure_id: str
    kind: str
    start: str
    end: str | None
    size_sigma: float | None
    description: str
    expected_in_latest: dict[str, Any] | None
    extra: dict[str, Any] = field(default_factory=dict)
    pack_in_latest: dict[str, Any] | None = None


def read_events(config: dict[str, Any]) -> list[Event]:
    events = []
    for raw in config.get("events", []):
        raw = dict(raw)
        events.append(
            Event(
                measure_id=raw.pop("measure_id"),
                kind=raw.pop("kind"),
                start=str(raw.pop("start")),
                end=None if raw.get("end") is None else str(raw.pop("end")),
                size_sigma=raw.pop("size_sigma", None),
                description=" ".join(str(raw.pop("description")).split()),
                expected_in_latest=raw.pop("expected_in_latest", None),
                pack_in_latest=raw.pop("pack_in_latest", None),
                extra={k: v for k, v in raw.items() if k != "end"},
            )
        )
    return events


def shift_in_sigma(
    events: list[Event], measure_id: str, months: pd.PeriodIndex, sigma: float
) -> np.ndarray:
    """Level changes (in sigma units) from shifts, process changes and trends.

    An event gives its size in sigma units (size_sigma) or in the measure's units (size).
    """
    out = np.zeros(len(months))
    ords = months.asi8
    for ev in events:
        if ev.measure_id != measure_id or ev.kind not in LEVEL_KINDS:
            continue
        if ev.size_sigma is None:
            if "size" not in ev.extra:
                raise ValueError(f"{measure_id}: a {ev.kind} needs size_sigma or size")
            ev.size_sigma = round(float(ev.extra["size"]) / sigma, 3)
        s = pd.Period(ev.start, "M").ordinal
        e = pd.Period(ev.end, "M").ordinal if ev.end else ords[-1]
        inside = (ords >= s) & (ords <= e)
        if ev.kind == "trend":
            steps = e - s + 1
            ramp = (ords - s + 1) / steps * float(ev.size_sigma)
            out += np.where(inside, ramp, np.where(ords > e, float(ev.size_sigma), 0.0))
        else:
            out += np.where(inside, float(ev.size_sigma), 0.0)
    return out


def forced_z(events: list[Event], measure_id: str, months: pd.PeriodIndex) -> dict[int, float]:
    """Months whose value is set to level + z sigma (outliers, a designed large-looking move)."""
    index = {p.ordinal: i for i, p in enumerate(months)}
    out: dict[int, float] = {}
    for ev in events:
        if ev.measure_id != measure_id or ev.kind not in FORCED_KINDS:
            continue
        if ev.kind == "outlier":
            out[index[pd.Period(ev.start, "M").ordinal]] = float(ev.size_sigma)
        else:
            for period, z in ev.extra["z"].items():
                out[index[pd.Period(str(period), "M").ordinal]] = float(z)
    return out


# --------------------------------------------------------------------------------------------
# Series generation
# --------------------------------------------------------------------------------------------
@dataclass
class Series:
    """One measure's figures for every month (the latest, corrected figures)."""

    value: np.ndarray
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None
    sigma: float = float("nan")  # baseline XmR sigma in the value's units, for event sizes


class Generator:
    """Builds drivers then measures from the config, in a fixed order."""

    def __init__(self, config: dict[str, Any], catalogue: Catalogue) -> None:
        self.config = config
        self.catalogue = catalogue
        self.seed = int(config["seed"])
        self.months = month_range(config["start"], config["end"])
        self.history = 11  # months before the start, for rolling 12-month sums
        first = self.months[0] - self.history
        self.ext = month_range(str(first), str(self.months[-1]))
        self.pop = population(config, self.months)
        self.events = read_events(config)
        self.drivers: dict[str, np.ndarray] = {}
        self.driver_levels: dict[str, np.ndarray] = {}

    # drivers ------------------------------------------------------------------------------
    def driver(self, name: str) -> np.ndarray:
        if name not in self.drivers:
            spec = self.config["drivers"][name]
            counts, level = self._counts(spec, "driver:" + name, np.zeros(len(self.ext)), {})
            self.drivers[name] = counts
            self.driver_levels[name] = level
        return self.drivers[name]

    def _counts(
        self, spec: dict[str, Any], name: str, shift: np.ndarray, forced: dict[int, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Monthly flow (Poisson) or snapshot stock (AR(1)) over the extended months."""
        rng = rng_for(self.seed, name, spec.get("seed_offset", 0))
        n = len(self.ext)
        level = level_path(spec["level"], self.ext)
        sigma = self._count_sigma(spec, float(level[-1]))
        base = level + shift * sigma
        if spec["model"] in ("flow",):
            season = seasonal_factors(self.config, spec.get("seasonal"), self.ext)
            cv = float(spec.get("cv", 0.0))
            lam = base * season * np.exp(rng.normal(0, cv, n) - cv**2 / 2)
            counts = rng.poisson(np.maximum(lam, 0)).astype(np.int64)
            expected = base * season
        else:
            noise = ar1(rng, n, float(spec["sd"]), float(spec.get("phi", 0.0)))
            counts = np.rint(base + noise).astype(np.int64)
            expected = base
        for i, z in forced.items():
            j = i + self.history
            counts[j] = int(round(expected[j] + z * sigma))
        return np.maximum(counts, 0), level

    @staticmethod
    def _count_sigma(spec: dict[str, Any], level: float) -> float:
        if spec["model"] == "flow":
            cv = float(spec.get("cv", 0.0))
            return float(np.sqrt(level + (level * cv) ** 2))
        return ar1_sigma(float(spec["sd"]), float(spec.get("phi", 0.0)))

    # measures -----------------------------------------------------------------------------
    def measure(self, m: Measure) -> Series:
        spec = self.config["measures"].get(m.id)
        if spec is None:
            raise KeyError(f"demo_config.yml has no settings for catalogue measure '{m.id}'")
        shift = shift_in_sigma(self.events, m.id, self.months, self.baseline_sigma(m.id, spec))
        forced = forced_z(self.events, m.id, self.months)
        model = spec["model"]
        if model in ("count", "rate") and (shift.any() or forced):
            raise ValueError(f"{m.id}: events on driver-based measures would move other measures")
        if model == "count":
            counts = self.driver(spec["driver"])[self.history :]
            sigma = self._count_sigma(self.config["drivers"][spec["driver"]], float(counts.mean()))
            return Series(value=counts.astype(float), sigma=sigma)
        if model in ("flow", "stock"):
            ext_shift = np.concatenate([np.zeros(self.history), shift])
            counts, level = self._counts(spec, m.id, ext_shift, forced)
            sigma = self._count_sigma(spec, float(level[-1]))
            return Series(value=counts[self.history :].astype(float), sigma=sigma)
        if model == "rate":
            return self._rate(spec)
        if model == "percent":
            return self._percent(m, spec, shift, forced)
        if model in ("mean", "value"):
            return self._mean(m, spec, shift, forced)
        raise ValueError(f"{m.id}: unknown model '{model}'")

    def baseline_sigma(self, measure_id: str, spec: dict[str, Any]) -> float:
        """The measure's month-to-month (XmR) sigma at its latest level, in the value's units."""
        model = spec["model"]
        if model in ("flow", "stock"):
            return self._count_sigma(spec, float(level_path(spec["level"], self.ext)[-1]))
        if model == "percent":
            window = int(spec.get("rolling", 1))
            p_end = float(level_path(spec["p"], self.ext)[-1])
            dm = self._den_mean(spec) * window
            extra = float(spec.get("extra", 0.0)) / np.sqrt(window)
            return 100 * float(np.sqrt(p_end * (1 - p_end) / dm + extra**2))
        if model in ("mean", "value"):
            if "den" in spec:
                return float(spec["sd"]) / np.sqrt(float(spec["den"]))
            return ar1_sigma(float(spec["sd"]), float(spec.get("phi", 0.0)))
        return float("nan")

    def _rate(self, spec: dict[str, Any]) -> Series:
        monthly = self.driver(spec["driver"])
        window = int(spec.get("rolling", 1))
        counts = np.convolve(monthly, np.ones(window, dtype=np.int64), mode="full")[: len(monthly)]
        counts = counts[self.history :]
        value = np.array([round(c / p * 10_000, 1) for c, p in zip(counts, self.pop, strict=True)])
        return Series(value=value, numerator=counts, denominator=self.pop.copy())

    def _denominators(
        self, m: Measure, spec: dict[str, Any], rng: np.random.Generator
    ) -> np.ndarray:
        den = spec["den"]
        if isinstance(den, dict):
            scale = float(den.get("scale", 1.0))
            base = self.driver(den["driver"]).astype(float) * scale
            if scale != 1.0:
                base = base + rng.normal(0, np.sqrt(base * scale * (1 - min(scale, 1))))
            return np.maximum(np.rint(base), 1).astype(np.int64)
        return np.maximum(rng.poisson(float(den), len(self.ext)), 1).astype(np.int64)

    def _den_mean(self, spec: dict[str, Any]) -> float:
        den = spec["den"]
        if isinstance(den, dict):
            self.driver(den["driver"])
            return float(self.driver_levels[den["driver"]][-1]) * float(den.get("scale", 1.0))
        return float(den)

    def _percent(
        self, m: Measure, spec: dict[str, Any], shift: np.ndarray, forced: dict[int, float]
    ) -> Series:
        rng = rng_for(self.seed, m.id, spec.get("seed_offset", 0))
        n, h = len(self.ext), self.history
        window = int(spec.get("rolling", 1))
        den = self._denominators(m, spec, rng)
        level = level_path(spec["p"], self.ext)
        extra = float(spec.get("extra", 0.0))
        sigma_p = self.baseline_sigma(m.id, spec) / 100
        p = level + np.concatenate([np.zeros(h), shift]) * sigma_p
        p_t = np.clip(p + rng.normal(0, extra, n), 0.0005, 0.9995)
        num = rng.binomial(den, p_t).astype(np.int64)
        if window > 1:
            kernel = np.ones(window, dtype=np.int64)
            num = np.convolve(num, kernel, mode="full")[:n]
            den = np.convolve(den, kernel, mode="full")[:n]
        num, den = num[h:].copy(), den[h:].copy()
        for i, z in forced.items():
            num[i] = int(np.clip(round((p[i + h] + z * sigma_p) * den[i]), 0, den[i]))
        value = np.array([round(100 * a / b, 1) for a, b in zip(num, den, strict=True)])
        return Series(value=value, numerator=num, denominator=den, sigma=100 * sigma_p)

    def _mean(
        self, m: Measure, spec: dict[str, Any], shift: np.ndarray, forced: dict[int, float]
    ) -> Series:
        rng = rng_for(self.seed, m.id, spec.get("seed_offset", 0))
        n = len(self.months)
        level = level_path(spec["level"], self.months)
        sd, phi = float(spec["sd"]), float(spec.get("phi", 0.0))
        places = max(m.decimals, 0) if spec["model"] == "mean" and "den" not in spec else 1
        if "den" in spec:
            # An average of individual durations: numerator = total days, denominator = children.
            den = np.maximum(rng.poisson(float(spec["den"]), n), 1).astype(np.int64)
            sigma = self.baseline_sigma(m.id, spec)
            centre = level + shift * sigma
            shape = (centre / sd) ** 2
            num = np.array(
                [
                    int(round(rng.gamma(k, c / k, d).sum()))
                    for k, c, d in zip(shape, centre, den, strict=True)
                ]
            )
            for i, z in forced.items():
                num[i] = int(round((centre[i] + z * sigma) * den[i]))
            value = np.array([round(a / b, 1) for a, b in zip(num, den, strict=True)])
            return Series(value=value, numerator=num, denominator=den, sigma=sigma)
        sigma = self.baseline_sigma(m.id, spec)
        centre = level + shift * sigma
        raw = centre + ar1(rng, n, sd, phi)
        for i, z in forced.items():
            raw[i] = centre[i] + z * sigma
        return Series(value=np.round(raw, places), sigma=sigma)


# --------------------------------------------------------------------------------------------
# Writing the extracts
# --------------------------------------------------------------------------------------------
def file_kind(m: Measure) -> str:
    """Which monthly file carries the measure (the extract contract)."""
    if m.theme == "workforce":
        return "workforce"
    return "early_help" if m.scorecard == "early_help" else "social_care"


def fmt_value(value: float, m: Measure, has_ratio: bool) -> str:
    places = 1 if (has_ratio or m.unit in ("percent", "rate_per_10k")) else max(m.decimals, 0)
    if m.unit == "count":
        places = 0
    return f"{value:.{places}f}"


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip (an XLSX) with every entry stamped at one fixed time, for identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def save_workbook(wb: Workbook, path: Path, when: dt.datetime) -> None:
    """Save with fixed document properties (openpyxl's save() would stamp the wall clock)."""
    wb.properties.creator = "Vision Tracker demo data generator"
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.lastModifiedBy = "Vision Tracker demo data generator"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    path.write_bytes(fixed_zip(buffer.getvalue(), when))


@dataclass
class Row:
    measure: Measure
    period: pd.Period
    value: float
    numerator: int | None
    denominator: int | None


class Extracts:
    """All generated figures plus the missing months and revisions, and the file writers."""

    def __init__(self, config: dict[str, Any], catalogue: Catalogue) -> None:
        self.config = config
        self.catalogue = catalogue
        self.gen = Generator(config, catalogue)
        self.months = self.gen.months
        self.series = {m.id: self.gen.measure(m) for m in catalogue.measures.values()}
        self.when = dt.datetime.fromisoformat(str(config["document_time"]))
        self.missing = {
            (ev.measure_id, pd.Period(ev.start, "M"))
            for ev in self.gen.events
            if ev.kind == "missing_month"
        }
        self.revisions = [ev for ev in self.gen.events if ev.kind == "revision"]

    def row(self, measure_id: str, period: pd.Period, revised_by: pd.Period | None = None) -> Row:
        """A measure's figure for a month as known in the extract for `revised_by`."""
        m = self.catalogue[measure_id]
        s = self.series[measure_id]
        i = int(period.ordinal - self.months[0].ordinal)
        num = None if s.numerator is None else int(s.numerator[i])
        den = None if s.denominator is None else int(s.denominator[i])
        value = float(s.value[i])
        for ev in self.revisions:
            seen = pd.Period(str(ev.extra["in_file"]), "M")
            if ev.measure_id != measure_id or pd.Period(ev.start, "M") != period:
                continue
            if revised_by is not None and revised_by >= seen:
                if "numerator_change" in ev.extra:
                    num = int(num) + int(ev.extra["numerator_change"])
                    if not 0 <= num <= int(den):
                        raise ValueError(
                            f"{measure_id} {period}: revised numerator {num} outside 0..{den}"
                        )
                    value = round(num / den * m.multiplier, 1)
                else:
                    value = round(value + float(ev.extra["value_change"]), 1)
        return Row(m, period, value, num, den)

    def latest(self) -> pd.DataFrame:
        """Every measure's latest-known figures (revisions applied, missing months absent)."""
        last = self.months[-1]
        rows = []
        for m in self.catalogue.measures.values():
            for p in self.months:
                if (m.id, p) in self.missing:
                    continue
                r = self.row(m.id, p, revised_by=last)
                rows.append((m.id, str(p), r.value, r.numerator, r.denominator))
        return pd.DataFrame(
            rows, columns=["measure_id", "period", "value", "numerator", "denominator"]
        )

    # writers --------------------------------------------------------------------------------
    def write_all(self, extracts_dir: Path) -> list[Path]:
        written = []
        for p in self.months:
            folder = extracts_dir / str(p)
            folder.mkdir(parents=True, exist_ok=True)
            written.append(self.write_social_care(p, folder))
            written.append(self.write_early_help(p, folder))
            written.append(self.write_workforce(p, folder))
        return written

    def _measures(self, kind: str) -> list[Measure]:
        return [m for m in self.catalogue.measures.values() if file_kind(m) == kind]

    def _month_rows(self, kind: str, p: pd.Period) -> list[Row]:
        rows = [
            self.row(m.id, p, revised_by=p)
            for m in self._measures(kind)
            if (m.id, p) not in self.missing
        ]
        for ev in self.revisions:
            m = self.catalogue[ev.measure_id]
            if file_kind(m) == kind and pd.Period(str(ev.extra["in_file"]), "M") == p:
                rows.append(self.row(m.id, pd.Period(ev.start, "M"), revised_by=p))
        return rows

    def write_social_care(self, p: pd.Period, folder: Path) -> Path:
        path = folder / f"social_care_scorecard_{p}.csv"
        quirky = p <= pd.Period(str(self.config["csv_bom_crlf_until"]), "M")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n" if quirky else "\n")
        writer.writerow(HEADER)
        for r in self._month_rows("social_care", p):
            ratio = r.denominator is not None
            writer.writerow(
                [
                    r.measure.id,
                    str(r.period),
                    fmt_value(r.value, r.measure, ratio),
                    "" if r.numerator is None else r.numerator,
                    "" if r.denominator is None else r.denominator,
                    r.measure.title,
                ]
            )
        path.write_bytes(buffer.getvalue().encode("utf-8-sig" if quirky else "utf-8"))
        return path

    def write_early_help(self, p: pd.Period, folder: Path) -> Path:
        path = folder / f"early_help_scorecard_{p}.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "Scorecard"
        ws.append(HEADER)
        for r in self._month_rows("early_help", p):
            when = dt.datetime(r.period.year, r.period.month, 1)
            is_pct = r.measure.unit == "percent"
            value = round(r.value / 100, 6) if is_pct else r.value
            if r.measure.unit == "count":
                value = int(round(r.value))
            ws.append([r.measure.id, when, value, r.numerator, r.denominator, r.measure.title])
            row = ws.max_row
            ws.cell(row=row, column=2).number_format = "mmm yyyy"
            ws.cell(row=row, column=3).number_format = "0.0%" if is_pct else "#,##0"
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["F"].width = 60
        save_workbook(wb, path, self.when)
        return path

    def write_workforce(self, p: pd.Period, folder: Path) -> Path:
        """The wide sheet staff keep: the 12 months up to p (fewer at the start of the data)."""
        path = folder / f"workforce_{p}.xlsx"
        first = max(self.months[0], p - 11)
        cols = month_range(str(first), str(p))
        wb = Workbook()
        ws = wb.active
        ws.title = "Workforce"
        ws.append(["measure_id", "measure", *[c.strftime("%b %Y") for c in cols]])
        for m in self._measures("workforce"):
            values = []
            for c in cols:
                values.append(
                    None if (m.id, c) in self.missing else self.row(m.id, c, revised_by=p).value
                )
            ws.append([m.id, m.title, *values])
            for j in range(len(cols)):
                ws.cell(row=ws.max_row, column=3 + j).number_format = "0.0"
        ws.column_dimensions["B"].width = 50
        save_workbook(wb, path, self.when)
        return path


# --------------------------------------------------------------------------------------------
# The documentation files
# --------------------------------------------------------------------------------------------
def events_document(ex: Extracts) -> dict[str, Any]:
    """data/demo_events.yml: every designed event, with its size in the measure's units."""
    items = []
    for ev in ex.gen.events:
        m = ex.catalogue[ev.measure_id]
        item: dict[str, Any] = {"measure_id": ev.measure_id, "kind": ev.kind, "start": ev.start}
        if ev.end:
            item["end"] = ev.end
        sigma = ex.series[ev.measure_id].sigma
        if ev.size_sigma is not None:
            item["size_sigma"] = float(ev.size_sigma)
            item["size"] = round(float(ev.size_sigma) * float(sigma), 2)
            item["size_units"] = m.unit
        for key in ("in_file", "numerator_change", "value_change", "rebase", "z"):
            if key in ev.extra:
                value = ev.extra[key]
                item[key] = (
                    {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
                )
        item["description"] = ev.description
        if ev.expected_in_latest is not None:
            item["expected_in_latest"] = dict(ev.expected_in_latest)
        if ev.pack_in_latest is not None:
            pack = dict(ev.pack_in_latest)
            pack["why"] = " ".join(str(pack.get("why", "")).split())
            item["pack_in_latest"] = pack
        items.append(item)
    return {
        "about": (
            "Designed events in the synthetic demo extracts (data/extracts/), made by "
            "data/scripts/make_demo_data.py from data/scripts/demo_config.yml. "
            f"expected_in_latest is the SPC verdict for {ex.months[-1]} "
            "(NHSRplotthedots defaults, all points, rebased at data/process_changes.yml), "
            "checked by tests/test_demo_data.py. pack_in_latest, where given, is the pack's own "
            "verdict when it differs (a slow-moving measure judged against its own movement), "
            "checked by tests/pack/test_build.py."
        ),
        "latest_period": str(ex.months[-1]),
        "events": items,
    }


def process_changes_document(ex: Extracts) -> dict[str, Any]:
    items = [
        {
            "measure_id": ev.measure_id,
            "period": ev.start,
            "reason": " ".join(str(ev.extra["reason"]).split()),
        }
        for ev in ex.gen.events
        if ev.kind == "process_change"
    ]
    return {"process_changes": items}


def dump_yaml(data: dict[str, Any], path: Path, header: str) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")


def load_config(path: Path = CONFIG_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def build(
    root: Path, config: dict[str, Any] | None = None, catalogue: Catalogue | None = None
) -> Extracts:
    """Write extracts/, demo_events.yml and process_changes.yml under root (a data folder)."""
    config = config or load_config()
    catalogue = catalogue or load_catalogue(DATA_DIR / "measures.yml")
    ex = Extracts(config, catalogue)
    ex.write_all(root / "extracts")
    dump_yaml(
        events_document(ex),
        root / "demo_events.yml",
        "# Generated by data/scripts/make_demo_data.py from demo_config.yml: do not edit.\n",
    )
    dump_yaml(
        process_changes_document(ex),
        root / "process_changes.yml",
        "# Known changes to how a measure is produced: the pack starts new SPC limits\n"
        "# (rebases) at these months. Demo entries come from data/scripts/demo_config.yml.\n",
    )
    return ex


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DATA_DIR, help="data folder to write into")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH)
    args = parser.parse_args(argv)
    ex = build(args.root, load_config(args.config))
    span = f"{ex.months[0]} to {ex.months[-1]}"
    print(f"Wrote {len(ex.months)} months ({span}) into {args.root / 'extracts'}")


if __name__ == "__main__":
    main()
