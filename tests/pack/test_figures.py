"""Charts drawn once by the build give the chapters the same Markdown as charts drawn in them."""

from __future__ import annotations

import shutil
from pathlib import Path

from chapter_markdown import markdown_outputs
from conftest import ROOT

from helpers.analysis.month import CHARTS, read_month
from helpers.pack.figures import ask_for_charts, draw_charts, place_charts
from helpers.pack.notebooks import run_notebook


def _front_door_by_hand(demo_pack, pack_dir: Path, wait_for_charts: bool = False) -> Path:
    """Run the front-door chapter by hand on a copy of the demo month's data."""
    shutil.copytree(demo_pack.folder / "data", pack_dir / "data")
    if wait_for_charts:
        ask_for_charts(pack_dir)
    target = pack_dir / "front_door.ipynb"
    parameters = {
        "period": demo_pack.period,
        "pack_dir": str(pack_dir),
        "project_dir": str(ROOT),
        "theme": "front_door",
    }
    run_notebook(ROOT / "notebooks" / "theme.ipynb", target, parameters, cwd=pack_dir)
    return target


def test_build_draws_every_chart_once_and_clears_them_up(demo_pack) -> None:
    figures = demo_pack.folder / "notebooks" / "figures"
    month = read_month(demo_pack.folder, ROOT)
    assert len(list(figures.glob("*.svg"))) >= len(month.catalogue.ids)
    assert not (demo_pack.folder / CHARTS).exists()  # the drawing folder is not published
    assert not (ROOT / "figures").exists()  # no chapter wrote its charts into the project
    assert "charts" in demo_pack.stages


def test_a_chapter_drawing_its_own_charts_writes_the_same_markdown(demo_pack, tmp_path) -> None:
    """The front-door chapter, run by hand with no pre-drawn charts, against the build's."""
    pack_dir = tmp_path / "by-hand"
    target = _front_door_by_hand(demo_pack, pack_dir)
    by_hand = markdown_outputs(target)
    built = markdown_outputs(demo_pack.folder / "notebooks" / "front_door.ipynb")
    assert by_hand.strip() in built  # the build adds only the chapter's title before it
    assert built.replace(by_hand.strip(), "").strip().startswith("# Front door")
    drawn = sorted(p.name for p in (pack_dir / "figures").glob("*.svg"))
    assert drawn and all((demo_pack.folder / "notebooks" / "figures" / n).exists() for n in drawn)


def test_draw_charts_in_two_processes_draws_each_measure(demo_pack, tmp_path) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(demo_pack.folder / "data", pack_dir / "data")
    ids = ["reref_12m", "cin_rate", "sw_caseload"]
    assert draw_charts(pack_dir, ROOT, ids, workers=2) == 3
    for measure_id in ids:
        svg = (pack_dir / CHARTS / f"{measure_id}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "</svg>" in svg


def test_a_chapter_asked_to_wait_leaves_its_charts_to_the_build(demo_pack, tmp_path) -> None:
    """With Quarto the charts are drawn beside the HTML render: the chapter only asks for them,
    writes the same Markdown, and place_charts puts each where it was asked for."""
    pack_dir = tmp_path / "waiting"
    target = _front_door_by_hand(demo_pack, pack_dir, wait_for_charts=True)
    assert not (pack_dir / "figures").exists()  # nothing drawn in the chapter
    built = markdown_outputs(demo_pack.folder / "notebooks" / "front_door.ipynb")
    assert markdown_outputs(target).strip() in built
    month = read_month(pack_dir, ROOT)
    wanted = [m for m in month.catalogue.ids if month.catalogue[m].theme == "front_door"]
    assert draw_charts(pack_dir, ROOT, wanted, workers=2, background=True) == len(wanted)
    assert place_charts(pack_dir, ROOT) == len(wanted)
    for measure_id in wanted:
        placed = (pack_dir / "figures" / f"{measure_id}.svg").read_bytes()
        assert placed == (pack_dir / CHARTS / f"{measure_id}.svg").read_bytes()
    assert not (pack_dir / CHARTS / "requests").exists()


def test_a_requested_chart_the_build_did_not_draw_is_drawn_in_place(demo_pack, tmp_path) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(demo_pack.folder / "data", pack_dir / "data")
    ask_for_charts(pack_dir)
    month = read_month(pack_dir, ROOT)
    target = pack_dir / "figures" / "reref_12m-deep-dive.svg"
    assert month.request_chart("reref_12m", target)
    assert place_charts(pack_dir, ROOT) == 1
    assert "<svg" in target.read_text(encoding="utf-8")
