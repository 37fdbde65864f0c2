"""What the chapter notebooks call: load the month, then write each section as Markdown.

A chapter reads as narrative plus a few calls, e.g.::

    month = report.load(pack_dir, project_dir, period)
    report.show(report.glance_table(month))

`report.load` reads the build folder inside `tracker build`; opened by hand (JupyterLab), the
latest month built, or else worked out from the store (helpers.analysis.workspace).
"""

from helpers.analysis.month import MonthAnalysis
from helpers.analysis.workspace import open_month as load
from helpers.report.benchmarks import rank_sentence
from helpers.report.chance import chance_detail, chance_sentence
from helpers.report.clinic import clinic_questions, clinic_request
from helpers.report.council_plan_check import council_plan_check
from helpers.report.glance import glance_table, intro, month_name, noise, signals
from helpers.report.markdown import escape, figure, show, table
from helpers.report.measures import benchmark_table, deep_dive, measure_section, theme_chapter
from helpers.report.notes import (
    annex_a,
    council_plan,
    loads,
    missing,
    other_measures,
    process_changes,
    revisions,
    sources,
    warnings,
)

__all__ = [
    "annex_a",
    "MonthAnalysis",
    "benchmark_table",
    "chance_detail",
    "chance_sentence",
    "clinic_questions",
    "clinic_request",
    "council_plan",
    "council_plan_check",
    "deep_dive",
    "escape",
    "figure",
    "glance_table",
    "intro",
    "load",
    "loads",
    "measure_section",
    "missing",
    "month_name",
    "noise",
    "other_measures",
    "process_changes",
    "rank_sentence",
    "revisions",
    "show",
    "signals",
    "sources",
    "table",
    "theme_chapter",
    "warnings",
]
