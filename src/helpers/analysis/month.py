"""The month's statistics, computed once per build and shared by every chapter.

Rendering dominates a build, so the SPC and statsmodels work is done here once (all measures in
one SPC call) and written as CSV into the pack's data folder; the notebooks only read it. The
same CSVs are the month's data that members can download.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from helpers import paths
from helpers.analysis.benchmarks import council_summary, directions_for, read_sources, read_table
from helpers.files import load_yaml
from helpers.inputs.catalogue import Catalogue, load_catalogue
from helpers.inputs.council import Council, council_for
from helpers.inputs.council_plan import is_quarter_end, read_council_plan
from helpers.inputs.selections import for_period as selected_measures
from helpers.inputs.selections import request_for
from helpers.inputs.tracker_sets import (
    TrackerSet,
    read_tracker_sets,
    set_in_force,
    tracker_sets_path,
)

FILES = {
    "verdicts": "verdicts.csv",
    "points": "spc_points.csv",
    "observations": "observations.csv",
    "revisions": "revisions.csv",
    "missing": "missing_months.csv",
    "loads": "loads.csv",
    "warnings": "validation_warnings.csv",
}
#: The build folder's charts, drawn once by the build for every chapter to copy.
CHARTS = "charts"
#: Where chapters leave word of the charts they show when the build draws them after the
#: chapters have run (helpers.pack.figures.place_charts puts each one where it was asked for).
CHART_REQUESTS = "charts/requests"
COUNCIL_PLAN_CHECK = "council_plan_check.csv"
WARNING_COLUMNS = ["file", "row", "column", "measure_id", "message", "fix"]


@dataclass
class MonthAnalysis:
    """Everything the chapters need for one month."""

    period: str
    catalogue: Catalogue
    verdicts: pd.DataFrame
    points: pd.DataFrame
    observations: pd.DataFrame
    revisions: pd.DataFrame
    missing: pd.DataFrame
    loads: pd.DataFrame
    warnings: pd.DataFrame
    benchmarks: pd.DataFrame
    process_changes: pd.DataFrame
    selections: list[str]
    #: The build folder the month was read from (None while the build is computing it).
    pack_dir: Path | None = None
    #: The council the pack is for (data/council.yml); None only for a project without one.
    council: Council | None = field(default=None)

    def drawn_chart(self, measure_id: str) -> Path | None:
        """The chart the build drew for the measure (pack_dir/charts/<id>.svg), if it did."""
        if self.pack_dir is None:
            return None
        path = self.pack_dir / CHARTS / f"{measure_id}.svg"
        return path if path.exists() else None

    def request_chart(self, measure_id: str, path: Path) -> bool:
        """Ask the build for the measure's chart at `path` (relative to the chapter's folder).

        True when the build will draw it (its requests folder exists: the charts are drawn
        beside the HTML render, after the chapters); False when the chapter must draw it.
        """
        if self.pack_dir is None or not (self.pack_dir / CHART_REQUESTS).is_dir():
            return False
        target = Path(path).resolve()
        name = hashlib.sha1(str(target).encode("utf-8")).hexdigest()[:16]
        request = self.pack_dir / CHART_REQUESTS / f"{name}.json"
        request.write_text(json.dumps({"measure_id": measure_id, "path": str(target)}))
        return True

    #: The tracker set in force in the month (from, agreed_by, next_review, measures), if any.
    tracker_set: dict | None = None
    #: The members' request for the month's deep dive: requested_by, question, meeting (ISO).
    clinic: dict | None = None
    #: Signals expected by chance alone among the tracker measures (helpers.analysis.chance).
    chance: dict | None = None
    #: At a quarter-end month: the Council Plan report's values beside the tracker's.
    council_plan_check: pd.DataFrame | None = None
    #: The Council Plan report's publication date for each measure checked (ISO dates).
    council_plan_report_dates: dict | None = None
    #: The day the pack is published (ISO date; the build sets it): deep-dive requests run
    #: from here. None for a month analysed outside a build.
    published: str | None = None

    def measure_points(self, measure_id: str) -> pd.DataFrame:
        """One measure's SPC points, oldest first."""
        return self.points[self.points["facet"] == measure_id].reset_index(drop=True)

    def verdict(self, measure_id: str) -> pd.Series:
        return self.verdicts.set_index("measure_id").loc[measure_id]


def read_process_changes(root: Path | None = None) -> pd.DataFrame:
    """data/process_changes.yml: known changes to how a measure is produced (SPC rebases there)."""
    path = paths.data_dir(root) / "process_changes.yml"
    columns = ["measure_id", "period", "reason"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    items = raw.get("process_changes", raw) if isinstance(raw, dict) else raw
    frame = pd.DataFrame(items or [], columns=columns)
    frame["period"] = frame["period"].astype(str).str.slice(0, 7)
    return frame


def read_benchmarks(
    root: Path | None = None,
    council: Council | None = None,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """The council's benchmarks, ranks and quartile bands, from the all-authority table."""
    path = paths.benchmarks_path(root)
    council = council or council_for(paths.data_dir(root))
    if council is None or not path.exists():
        return pd.DataFrame()
    catalogue = catalogue or load_catalogue(paths.catalogue_path(root))
    sources = read_sources(path.with_name("benchmark_sources.csv"))
    return council_summary(read_table(path), council, directions_for(catalogue), sources)


def missing_months(observations: pd.DataFrame, catalogue: Catalogue, period: str) -> pd.DataFrame:
    """Months with no figure for a measure, from its first figure up to the pack's month."""
    rows = []
    end = pd.Period(period, "M")
    for measure_id in catalogue.ids:
        got = observations.loc[observations["measure_id"] == measure_id, "period"]
        if got.empty:
            rows.append({"measure_id": measure_id, "period": period, "note": "no figures at all"})
            continue
        start = pd.Period(got.min(), "M")
        expected = {str(p) for p in pd.period_range(start, end, freq="M")}
        for gap in sorted(expected - set(got)):
            rows.append({"measure_id": measure_id, "period": gap, "note": "no figure supplied"})
    return pd.DataFrame(rows, columns=["measure_id", "period", "note"])


def month_loads(loads: pd.DataFrame, period: str) -> pd.DataFrame:
    """The loads that carried figures for the month (its extracts, including rolling sheets)."""
    if loads.empty:
        return loads
    carried = loads["periods"].astype(str).str.split(",").apply(lambda ps: period in ps)
    return loads[carried]


def month_warnings(
    loads: pd.DataFrame, period: str, catalogue: Catalogue, root: Path
) -> pd.DataFrame:
    """Validation warnings (not errors: those stop a load) in the month's extract files.

    Warnings are not stored, so the month's files are checked again where they are still on
    disk unchanged (same content hash as when loaded).
    """
    from helpers.files import file_hash
    from helpers.inputs.validation import check_file

    rows = []
    for load in month_loads(loads, period).itertuples():
        path = Path(load.file_path)
        path = path if path.is_absolute() else root / path
        if not path.exists() or file_hash(path) != load.content_hash:
            continue
        for problem in check_file(path, catalogue).problems:
            if not problem.is_error:
                rows.append({c: getattr(problem, c) for c in WARNING_COLUMNS})
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def tracker_set_for(
    catalogue: Catalogue, period: str, root: Path | None = None
) -> TrackerSet | None:
    """The dated tracker set in force in the month (None when the project has no sets file)."""
    if not tracker_sets_path(root).exists():
        return None
    return set_in_force(read_tracker_sets(root, catalogue), period)


def signal_settings(catalogue: Catalogue) -> dict[str, tuple[int | None, str]]:
    """Each measure's declared rolling window and SPC method setting, for the chance simulation."""
    return {m.id: (m.rolling_months, m.spc_method) for m in catalogue.measures.values()}


def analyse_month(
    store, catalogue: Catalogue, period: str, root: Path | None = None, as_of: object = None
) -> MonthAnalysis:
    """Run every check for every measure for the month (with the figures loaded by `as_of`)."""
    from helpers.analysis.chance import chance_estimate, chance_probabilities
    from helpers.analysis.verdict import measure_evidence, month_verdicts, spc_points

    observations = store.observations(until=period, as_of=as_of)
    changes = read_process_changes(root)
    council = council_for(paths.data_dir(root))
    benchmarks = read_benchmarks(root, council, catalogue)
    points = spc_points(observations, catalogue, changes, until=period)
    in_force = tracker_set_for(catalogue, period, root)
    tracked = set(in_force.measures) if in_force else set()

    # Two cores, three independent pieces of work. Forked processes start with everything this
    # one has loaded: the chance simulation (it needs only the points) starts before statsmodels
    # is imported, so it runs while this process imports it; a second process, forked after the
    # import, works out every other measure's evidence while this one does the rest.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as chance_pool:
        simulated = chance_pool.submit(
            chance_probabilities,
            points,
            [m for m in catalogue.ids if m in tracked],
            changes,
            period,
            settings=signal_settings(catalogue),
        )
        import helpers.stats  # noqa: F401  (statsmodels, before the second fork)

        ids = list(catalogue.ids)
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as evidence_pool:
            shared = evidence_pool.submit(
                measure_evidence, observations, points, catalogue, period, ids[1::2]
            )
            evidence = measure_evidence(observations, points, catalogue, period, ids[0::2])
            evidence.update(shared.result())
        verdicts = month_verdicts(
            observations,
            points,
            catalogue,
            period,
            benchmarks,
            tracker_ids=in_force.measures if in_force else (),
            evidence=evidence,
        )
        probabilities, shapes, models = simulated.result()
    chance = chance_estimate(probabilities, shapes, verdicts, models=models)
    loads = store.loads(as_of)
    # Revisions since the last pack: those made by the loads that brought this month's figures.
    revisions = store.revisions(as_of=as_of)
    if not revisions.empty:
        revisions = revisions[revisions["load_id"].isin(month_loads(loads, period)["load_id"])]
    check, report_dates = None, None
    if is_quarter_end(period):
        from helpers.analysis.council_plan import council_plan_check

        published = read_council_plan(root, catalogue)
        if not published.empty:
            check = council_plan_check(published, store, catalogue, period, as_of)
            these = published[published["quarter"] == period]
            report_dates = {r.measure_id: r.report_date.isoformat() for r in these.itertuples()}
    return MonthAnalysis(
        period=period,
        catalogue=catalogue,
        verdicts=verdicts,
        points=points,
        observations=observations,
        revisions=revisions.reset_index(drop=True),
        missing=missing_months(observations, catalogue, period),
        loads=loads,
        warnings=month_warnings(loads, period, catalogue, root or paths.project_root()),
        benchmarks=benchmarks,
        process_changes=changes,
        selections=selected_measures(period, root),
        council=council,
        clinic=request_for(period, root),
        tracker_set=in_force.as_dict() if in_force else None,
        council_plan_check=check,
        council_plan_report_dates=report_dates,
        chance=chance.as_dict(),
    )


def write_month(month: MonthAnalysis, folder: Path) -> None:
    """Write the month's tables as CSV (the pack's downloadable data)."""
    folder.mkdir(parents=True, exist_ok=True)
    for attr, name in FILES.items():
        getattr(month, attr).to_csv(folder / name, index=False)
    if not month.benchmarks.empty:
        month.benchmarks.to_csv(folder / "benchmarks.csv", index=False)
    month.catalogue.frame().to_csv(folder / "measures.csv", index=False)
    if month.council_plan_check is not None:
        month.council_plan_check.to_csv(folder / COUNCIL_PLAN_CHECK, index=False)
    meta = {
        "period": month.period,
        "selections": month.selections,
        "process_changes": month.process_changes.to_dict("records"),
        "tracker_set": month.tracker_set,
        "council_plan_report_dates": month.council_plan_report_dates,
        "chance": month.chance,
        "clinic": month.clinic,
        "published": month.published,
    }
    (folder / "month.yml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


def read_month(pack_dir: Path | str, project_dir: Path | str | None = None) -> MonthAnalysis:
    """Read what write_month wrote (the notebooks' entry point)."""
    folder = Path(pack_dir) / "data"
    root = Path(project_dir) if project_dir else None
    meta = load_yaml((folder / "month.yml").read_text(encoding="utf-8"))
    frames = {}
    for attr, name in FILES.items():
        path = folder / name
        try:
            frames[attr] = pd.read_csv(path, dtype={"period": str})
        except pd.errors.EmptyDataError:
            frames[attr] = pd.DataFrame()
    verdicts = frames["verdicts"]
    # CSV turns empty text into NaN; the chapters expect None (no icon) or "" (no words).
    for column in ("assurance_icon", "council_plan_ref"):
        if column in verdicts:
            verdicts[column] = verdicts[column].astype(object).where(verdicts[column].notna(), None)
    for column in ("sentence", "assurance_text", "evidence", "quartile_band", "benchmark_note"):
        if column in verdicts:
            verdicts[column] = verdicts[column].astype(object).fillna("")
    points = frames["points"]
    if not points.empty:
        points["date"] = pd.to_datetime(points["date"])
    bench_path = folder / "benchmarks.csv"
    benchmarks = (
        pd.read_csv(bench_path, dtype={"quartile_band": str, "council_note": str})
        if bench_path.exists()
        else pd.DataFrame()
    )
    for column in ("quartile_band", "council_note"):
        if column in benchmarks:
            benchmarks[column] = benchmarks[column].fillna("")
    check_path = folder / COUNCIL_PLAN_CHECK
    return MonthAnalysis(
        period=str(meta["period"]),
        catalogue=load_catalogue(paths.catalogue_path(root)),
        benchmarks=benchmarks,
        process_changes=pd.DataFrame(
            meta.get("process_changes") or [], columns=["measure_id", "period", "reason"]
        ),
        selections=list(meta.get("selections") or []),
        pack_dir=Path(pack_dir),
        council=council_for(paths.data_dir(root)),
        tracker_set=meta.get("tracker_set"),
        council_plan_check=pd.read_csv(check_path, dtype={"quarter": str})
        if check_path.exists()
        else None,
        council_plan_report_dates=meta.get("council_plan_report_dates"),
        chance=meta.get("chance"),
        clinic=meta.get("clinic"),
        published=meta.get("published"),
        **frames,
    )
