"""Every chart of the month, drawn once by the build rather than in the chapters.

A chart depends only on the month's statistics, so there is no reason for each chapter's kernel
to import matplotlib and draw its charts one after another. The chapters leave a request for
each chart they show (charts/requests/); the build then draws those measures' charts here in
worker processes into the build folder's charts/, and place_charts puts every chart where it
was asked for. With Quarto that happens beside the HTML render, which needs no chart until the
book is read, and before the PDF, which does; without Quarto, once the chapters have run. Only
the charts some chapter shows are drawn. A chapter run outside a build (opened by hand, or a
preview) copies a chart drawn before or draws its own (helpers.report.measures.chart_file); its
Markdown is the same either way.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from helpers.analysis.month import CHART_REQUESTS, CHARTS, read_month
from helpers.pack.priority import lower_this_process


def _draw_batch(pack_dir: str, project_dir: str, measure_ids: list[str]) -> int:
    """Worker: read the month as the chapters do and draw these measures' charts."""
    from helpers.charts.drawing import save_svg, spc_chart

    month = read_month(pack_dir, project_dir)
    folder = Path(pack_dir) / CHARTS
    drawn = 0
    for measure_id in measure_ids:
        points = month.measure_points(measure_id)
        if points.empty:
            continue
        save_svg(
            spc_chart(points, month.catalogue[measure_id]),
            folder / f"{measure_id}.svg",
            fixed_canvas=True,
        )
        drawn += 1
    return drawn


def draw_charts(
    pack_dir: Path,
    project_dir: Path,
    measure_ids: list[str],
    workers: int = 2,
    background: bool = False,
) -> int:
    """Draw the measures' charts into pack_dir/charts/ in `workers` processes; return how many.

    `background`: the workers run at a lower priority (beside the HTML render, which they
    must not slow).
    """
    (pack_dir / CHARTS).mkdir(parents=True, exist_ok=True)
    if not measure_ids:
        return 0
    workers = max(1, min(workers, len(measure_ids)))
    batches = [measure_ids[i::workers] for i in range(workers)]
    if workers == 1 and not background:
        return _draw_batch(str(pack_dir), str(project_dir), batches[0])
    # fork: the workers start without re-importing what the build already has loaded.
    context = multiprocessing.get_context("fork")
    initializer = lower_this_process if background else None
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer
    ) as pool:
        futures = [
            pool.submit(_draw_batch, str(pack_dir), str(project_dir), batch) for batch in batches
        ]
        return sum(f.result() for f in futures)


def ask_for_charts(pack_dir: Path) -> None:
    """Tell the chapters to ask for their charts rather than draw them (see the docstring)."""
    (pack_dir / CHART_REQUESTS).mkdir(parents=True, exist_ok=True)


def requested_measures(pack_dir: Path) -> list[str]:
    """The measures whose charts the chapters asked for, each once (a chart asked for by two
    chapters is drawn once and placed twice)."""
    folder = pack_dir / CHART_REQUESTS
    wanted: dict[str, None] = {}
    for request in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        wanted[json.loads(request.read_text(encoding="utf-8"))["measure_id"]] = None
    return list(wanted)


def place_charts(pack_dir: Path, project_dir: Path) -> int:
    """Put every chart the chapters asked for where they asked; return how many were placed.

    A chart the build did not draw (none should be missing) is drawn where it is wanted.
    """
    folder = pack_dir / CHART_REQUESTS
    requests = sorted(folder.glob("*.json")) if folder.is_dir() else []
    placed = 0
    for request in requests:
        wanted = json.loads(request.read_text(encoding="utf-8"))
        target = Path(wanted["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        drawn = pack_dir / CHARTS / f"{wanted['measure_id']}.svg"
        if drawn.exists():
            shutil.copyfile(drawn, target)
        else:
            from helpers.charts.drawing import save_svg, spc_chart

            month = read_month(pack_dir, project_dir)
            measure = month.catalogue[wanted["measure_id"]]
            points = month.measure_points(measure.id)
            save_svg(spc_chart(points, measure), target, fixed_canvas=True)
        placed += 1
    shutil.rmtree(folder, ignore_errors=True)
    return placed
