"""Data notes and the Council Plan cross-reference.

Data notes tell members what changed underneath the figures (revisions, missing months), where
the figures come from and under which licence. The Council Plan table lets the performance team
match this pack to the quarterly Council Plan report by its measure numbers.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.analysis.month import MonthAnalysis, month_loads
from helpers.charts.icons import icon_text
from helpers.formatting import format_value
from helpers.inputs.council import possessive
from helpers.report.glance import month_name
from helpers.report.markdown import escape, html_only, pdf_only, table

#: Rows a data-notes table may have in the members' PDF; longer ones are listed in the HTML.
PDF_ROWS = 15


def _fmt(month: MonthAnalysis, measure_id: str, value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return format_value(float(value), month.catalogue[measure_id])


def capped_table(
    frame: pd.DataFrame, caption: str, label: str, align: str, csv: str, limit: int = PDF_ROWS
) -> str:
    """A table in full in the HTML; in the PDF its first `limit` rows and where the rest are."""
    if len(frame) <= limit:
        return table(frame, caption, label, align)
    rest = len(frame) - limit
    return html_only(table(frame, caption, label, align)) + pdf_only(
        table(frame.head(limit), f"{caption} (first {limit})", f"{label}-first", align)
        + f"\nThere are {rest} more; the HTML book and {csv} list them all.\n"
    )


def revisions(month: MonthAnalysis) -> str:
    """Earlier months whose figures were changed by a later extract."""
    r = month.revisions
    if r.empty:
        return "This month's extracts did not change any earlier figures.\n"
    frame = pd.DataFrame(
        {
            "Measure": [month.catalogue[m].short_title for m in r["measure_id"]],
            "Month": [month_name(str(p)[:7]) for p in r["period"]],
            "Was": [
                _fmt(month, m, v) for m, v in zip(r["measure_id"], r["old_value"], strict=True)
            ],
            "Now": [
                _fmt(month, m, v) for m, v in zip(r["measure_id"], r["new_value"], strict=True)
            ],
            "Changed by": r["file_name"].astype(str) if "file_name" in r else "",
        }
    )
    return (
        "This month's extracts changed these earlier figures. The pack always uses the latest "
        "figure; the earlier one is kept in the store.\n\n"
        + capped_table(frame, "Revised figures", "revisions", "llrrl", "data/revisions.csv")
    )


def missing(month: MonthAnalysis) -> str:
    """Months with no figure for a measure."""
    m = month.missing
    if m.empty:
        return "Every measure has a figure for every month.\n"
    frame = pd.DataFrame(
        {
            "Measure": [month.catalogue[x].short_title for x in m["measure_id"]],
            "Month": [month_name(str(p)[:7]) for p in m["period"]],
            "Note": m["note"],
        }
    )
    return (
        "These months have no figure. The charts show a gap; the statistical process control "
        "calculations leave the month out rather than guess it, so a gap never creates a "
        "signal.\n\n"
        + capped_table(
            frame, "Months with no figure", "missing-months", "lll", "data/missing_months.csv"
        )
    )


def warnings(month: MonthAnalysis) -> str:
    """Things in this month's extract files that did not stop them loading but need a look."""
    w = month.warnings
    if w.empty:
        return "The checks on this month's extract files found nothing to warn about.\n"
    frame = pd.DataFrame(
        {
            "File": w["file"].astype(str).str.rsplit("/", n=1).str[-1],
            "Row": w["row"].map(lambda r: "" if pd.isna(r) else str(int(r))),
            "Column": w["column"].fillna(""),
            "What was found": w["message"],
        }
    )
    return (
        "These did not stop the files loading, but the team that produces the extract may want "
        "to look at them.\n\n"
        + capped_table(
            frame,
            "Validation warnings in this month's extracts",
            "validation-warnings",
            "lrll",
            "data/validation_warnings.csv",
        )
    )


def loads(month: MonthAnalysis) -> str:
    """The extract files that brought this month's figures."""
    frame = month.loads
    if frame.empty:
        return ""
    these = month_loads(frame, month.period).sort_values("load_id")
    shown = pd.DataFrame(
        {
            "File": these["file_name"].astype(str),
            "Figures": these["rows"].astype(int).astype(str),
            "New": these["new_rows"].astype(int).astype(str),
            "Revised": these["revised_rows"].astype(int).astype(str),
            "Loaded": pd.to_datetime(these["loaded_at"]).dt.strftime("%d %b %Y %H:%M"),
        }
    )
    return (
        f"This month's figures came from the files below; in all {len(frame)} extract files have "
        "been loaded since the store began, and every one is kept with its content hash.\n\n"
        + table(shown, f"Extract files for {month_name(month.period)}", "loads", "lrrrl")
    )


def process_changes(month: MonthAnalysis) -> str:
    """Known changes in how a measure is produced; the charts restart their limits there."""
    c = month.process_changes
    if c.empty:
        return "No process changes are recorded.\n"
    lines = [
        f"- **{escape(month.catalogue[r.measure_id].short_title)}**, "
        f"from {month_name(str(r.period)[:7])}: {escape(r.reason)}"
        for r in c.itertuples()
        if r.measure_id in month.catalogue
    ]
    return "\n".join(lines) + "\n"


def _reference_order(ref: str) -> tuple:
    """'CP 1.10' after 'CP 1.9': compare the numbers as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(ref)))


def council_plan(month: MonthAnalysis) -> str:
    """Measures reported in the quarterly Council Plan report, by its reference."""
    v = month.verdicts[month.verdicts["council_plan_ref"].notna()].copy()
    if v.empty:
        # Members read that there is nothing to cross-check; analysts (HTML) read how to add one.
        return "No measure in the catalogue carries a Council Plan reference yet.\n" + html_only(
            "For analysts: give each measure the quarterly Council Plan report carries its "
            "reference there (`council_plan_ref` in `data/measures.yml`, as the report numbers "
            "the measure)."
        )
    period = pd.Period(month.period, "M")
    quarter_end = pd.Period(year=period.year, month=((period.month - 1) // 3) * 3 + 3, freq="M")
    if quarter_end != period:
        quarter_end = quarter_end - 3
    obs = month.observations
    rows = []
    v["order"] = v["council_plan_ref"].map(_reference_order)
    for r in v.sort_values("order").itertuples():
        m = month.catalogue[r.measure_id]
        at_q = obs[(obs["measure_id"] == r.measure_id) & (obs["period"] == str(quarter_end))]
        rows.append(
            {
                "Council Plan ref": r.council_plan_ref,
                "Measure": m.short_title,
                f"{quarter_end.strftime('%b %Y')} (quarter end)": _fmt(
                    month, m.id, at_q["value"].iloc[0]
                )
                if len(at_q)
                else "no figure",
                f"{period.strftime('%b %Y')} (latest)": _fmt(month, m.id, r.latest_value),
                "Target": "" if m.target is None else format_value(m.target, m),
                "Variation": icon_text(r.variation_icon),
            }
        )
    intro = (
        f"The quarterly Council Plan report uses the figures at the end of each quarter. The "
        f"latest complete quarter ended in {quarter_end.strftime('%B %Y')}. The table gives that "
        f"figure beside this month's, so the two reports can be checked against each other.\n\n"
    )
    return intro + table(
        pd.DataFrame(rows),
        "Council Plan measures: quarter-end and latest figures",
        "council-plan",
        "llrrrl",
    )


def other_measures(month: MonthAnalysis) -> str:
    """The measures outside the vision tracker, one row each (their charts are in the HTML)."""
    v = month.verdicts[~month.verdicts["tracker"]]
    if v.empty:
        return "Every measure in the catalogue is in the vision tracker.\n"
    themes = month.catalogue.themes
    rows = []
    for r in v.itertuples():
        m = month.catalogue[r.measure_id]
        rows.append(
            {
                "Measure": m.short_title,
                "Theme": themes[m.theme].title if m.theme in themes else m.theme,
                "Latest": _fmt(month, m.id, r.latest_value),
                "Target": "" if m.target is None else format_value(m.target, m),
                "Variation": icon_text(r.variation_icon),
            }
        )
    intro = (
        f"These {len(v)} measures are reported every month but are not among the vision "
        "tracker's measures chosen by the commission. Each has its chart, evidence and recent "
        "months in its theme's chapter of the HTML book.\n\n"
    )
    return intro + table(
        pd.DataFrame(rows),
        f"Other measures, {month_name(month.period)}",
        "other-measures",
        "llrrl",
    )


def annex_a(month: MonthAnalysis, project_dir: object = None) -> str:
    """Which of the month's figures were computed from Annex A, how, and what was left out."""
    import json
    from pathlib import Path

    from helpers import paths
    from helpers.inputs.annex_a.output import checks_path
    from helpers.inputs.annex_a.rulebook import RULES

    obs, loads = month.observations, month.loads
    if obs.empty or loads.empty or "load_id" not in obs:
        return ""
    annex = loads[loads["file_name"].astype(str).str.startswith("annex-a-")]
    these = obs[(obs["period"] == month.period) & obs["load_id"].isin(annex["load_id"])]
    if these.empty:
        return ""
    lines = [
        "These figures were computed by the tracker from the council's Annex A lists (the "
        "child-level lists every council keeps for Ofsted), not typed from a scorecard; each "
        "follows the rule below, and only monthly totals are kept:\n"
    ]
    for measure_id in these["measure_id"].drop_duplicates():
        measure = month.catalogue.measures.get(measure_id)
        if measure is None or measure.annex_a is None:
            continue
        text = RULES[measure.annex_a.rule].text
        if measure.annex_a.differs:
            text += f" Unlike the usual definition: {measure.annex_a.differs}"
        lines.append(f"- **{escape(measure.short_title)}**: {escape(text)}")
    root = Path(project_dir) if project_dir else paths.project_root()
    for path in annex[annex["load_id"].isin(these["load_id"])]["file_path"].astype(str):
        summary = checks_path(Path(path) if Path(path).is_absolute() else root / path)
        if not summary.exists():
            continue
        left = json.loads(summary.read_text(encoding="utf-8")).get("left_out", [])
        total = sum(int(item["cells"]) for item in left)
        if total:
            parts = "; ".join(
                f"{escape(i['sheet'])}, {escape(i['column'])}: {i['cells']} "
                f"({escape(i['problem'])})"
                for i in left
            )
            lines.append(
                f"\nThe workbook had {total} cell(s) the checks warned about; rows with them "
                f"were left out of the figures that need those cells: {parts}."
            )
    return "\n".join(lines) + "\n"


SOURCES = """\
- **Local figures**: monthly extracts of the early help and children's social care scorecards,
  loaded without re-typing. {demo}
- **England, {region} and similar areas**: Department for Education, *Children in
  need*, *Children looked after in England* and *Children's social work workforce* statistics,
  year ending 31 March. Source: Department for Education, licensed under the Open Government
  Licence v3.0. Population: Office for National Statistics mid-year estimates (Open Government
  Licence v3.0).
- **Similar areas** are {council_s} statistical neighbours in {model}: {neighbours}.
- **Rank and quartile band** follow the Department for Education's LA Interactive Tool: the rank is
  among the English authorities with a published figure that year (1st is the best; tied figures
  share the better rank), the band says which quarter of those authorities the figure is in (A the
  best quarter, D the worst). Where neither higher nor lower is better, the rank counts from the
  highest figure and no band is given. Suppressed or unpublished figures are left out.
"""
DEMO_NOTE = (
    "The figures bundled with Vision Tracker are synthetic demonstration data calibrated to "
    "{council_s} published annual figures; they are not real council data."
)


def sources(month: MonthAnalysis | None = None, demo: bool | None = None) -> str:
    """Where the figures come from, naming the council, its region and its neighbours."""
    council = month.council if month is not None else None
    if demo is None:
        demo = bool(council and council.demo)
    name = escape(council.name) if council else "the council"
    return SOURCES.format(
        demo=DEMO_NOTE.format(council_s=possessive(name)) if demo else "",
        region=escape(council.region) if council else "the region",
        council_s=possessive(name),
        model=escape(council.neighbour_model_words) if council else "the DfE's model",
        neighbours=escape(", ".join(council.neighbour_names)) if council else "not set",
    )
