"""Every chart of the month, drawn once before the chapters run, two at a time.

A chart depends only on the month's statistics, so there is no reason for each chapter's kernel
to import matplotlib and draw its charts one after another. The build draws them here in worker
processes (one per core) into the build folder's charts/; each chapter copies its charts from
there (helpers.report.measures.chart_file) and writes the same Markdown as before.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from helpers.analysis.month import CHARTS, read_month


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
        save_svg(spc_chart(points, month.catalogue[measure_id]), folder / f"{measure_id}.svg")
        drawn += 1
    return drawn


def draw_charts(pack_dir: Path, project_dir: Path, measure_ids: list[str], workers: int = 2) -> int:
    """Draw the measures' charts into pack_dir/charts/ in `workers` processes; return how many."""
    (pack_dir / CHARTS).mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers, len(measure_ids)))
    batches = [measure_ids[i::workers] for i in range(workers)]
    if workers == 1:
        return _draw_batch(str(pack_dir), str(project_dir), batches[0])
    # fork: the workers start without re-importing what the build already has loaded.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(_draw_batch, str(pack_dir), str(project_dir), batch) for batch in batches
        ]
        return sum(f.result() for f in futures)
