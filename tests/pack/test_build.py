"""The monthly pack: real papermill and a real kernel, asserted against the demo data's events."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from chapter_markdown import markdown_outputs
from conftest import DEMO_PERIOD, ROOT, make_project

from helpers.pack.build import NotebookFailed, build_pack
from helpers.pack.chapters import book_chapter_files, read_quarto_config
from helpers.report.markdown import escape, slug

FIGURE = re.compile(r"!\[(?P<caption>[^\]]*)\]\((?P<path>[^)]+)\)\{(?P<attrs>[^}]*)\}")
ASSURANCE = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}


def section(text: str, measure_id: str) -> str:
    """One measure's section of a theme chapter (from its heading to the next)."""
    start = text.index(f"{{#sec-{slug(measure_id)}}}")
    following = text.find("\n## ", start)
    return text[start : following if following != -1 else len(text)]


@pytest.fixture(scope="module")
def pack(demo_pack) -> Path:
    return demo_pack.folder


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "demo_events.yml").read_text(encoding="utf-8"))["events"]


def test_every_chapter_ran_without_errors(pack: Path) -> None:
    chapters = [
        c
        for c in book_chapter_files(read_quarto_config(ROOT / "_quarto.yml"))
        if c.endswith(".ipynb")
    ]
    built = sorted(p.name for p in (pack / "notebooks").glob("*.ipynb"))
    assert built == sorted(chapters)
    for name in built:
        nb = nbformat.read(pack / "notebooks" / name, as_version=4)
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert errors == [], f"{name} has an error output"
        assert nb.metadata["papermill"]["parameters"]["period"] == DEMO_PERIOD
        # Every chapter opens with its title as a heading, before any code or output.
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), name
    themes = yaml.safe_load((ROOT / "data" / "themes.yml").read_text())["themes"]
    for theme in themes:
        first = nbformat.read(pack / "notebooks" / f"{theme['id']}.ipynb", as_version=4).cells[0]
        assert first.source.startswith(f"# {theme['title']} {{#sec-")


def test_parameter_cells_are_hidden(pack: Path) -> None:
    for path in (pack / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1, path.name
        assert "remove-cell" in injected[0].metadata["tags"]
        # No cell prints code-like output (raw reprs) into the pack.
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.get("output_type") != "stream" or not out.get("text", "").strip(), (
                    path.name
                )


def test_outputs_are_markdown_so_the_html_needs_nothing_from_the_internet(pack: Path) -> None:
    """Quarto adds require.js and jQuery from a CDN to a book whose notebooks hold any text/html or
    application/javascript output (src/core/jupyter/widgets.ts), and MathJax when text has math.
    The pack's chapters print Markdown only, with no pair of dollar signs to read as maths."""
    for path in (pack / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                kinds = set(out.get("data", {}))
                assert kinds <= {"text/markdown", "text/plain"}, (path.name, kinds)
                assert out.get("data", {}).get("text/markdown", "").count("$") < 2, path.name


def test_lists_and_tables_start_a_new_block(pack: Path) -> None:
    """Pandoc reads a list or table that follows a paragraph line directly as more paragraph."""
    block_start = re.compile(r"^([-*+] |\d+\. |\|)")
    plain = re.compile(r"^[^\s#:|*+\-\d]")
    for path in (pack / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            texts = (
                [cell.source]
                if cell.cell_type == "markdown"
                else [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
            )
            for text in texts:
                lines = text.split("\n")
                for before, line in zip(lines, lines[1:], strict=False):
                    if block_start.match(line):
                        assert not plain.match(before), (path.name, before[:60], line[:40])


def test_every_figure_has_caption_alt_text_and_file(pack: Path, demo_pack) -> None:
    figures = []
    everything = ""
    for path in (pack / "notebooks").glob("*.ipynb"):
        text = markdown_outputs(path)
        everything += text
        for match in FIGURE.finditer(text):
            figures.append((path.name, match))
    measure_ids = pd.read_csv(pack / "data" / "verdicts.csv")["measure_id"]
    # One chart per measure in the theme chapters, plus the deep dives.
    assert len(figures) >= len(measure_ids)
    for name, match in figures:
        alt = re.search(r'fig-alt="([^"]+)"', match["attrs"])
        assert alt and len(alt.group(1)) > 80, f"{name}: {match['path']} lacks alt text"
        assert "latest value" in alt.group(1).lower()
        assert match["caption"].strip(), f"{name}: {match['path']} lacks a caption"
        label = re.search(r"#(fig-[a-z0-9-]+)", match["attrs"])
        assert label, "figures must be cross-referenceable"
        assert f"@{label.group(1)} " in everything, f"{label.group(1)} is never referred to"
        assert (pack / "notebooks" / match["path"]).exists()


def test_expected_signals_from_the_demo_events(pack: Path, events: list[dict]) -> None:
    verdicts = pd.read_csv(pack / "data" / "verdicts.csv").set_index("measure_id")
    glance = markdown_outputs(pack / "notebooks" / "index.ipynb")
    changed = glance.split("What changed beyond normal variation")[1].split("## What did not")[0]
    chapters = {p.stem: markdown_outputs(p) for p in (pack / "notebooks").glob("*.ipynb")}
    checked = 0
    for event in events:
        # The pack's own verdict where it differs from the reference engine's (a slow-moving
        # measure judged against its own movement), else the engine's.
        expected = event.get("pack_in_latest") or event.get("expected_in_latest")
        if not expected:
            continue
        row = verdicts.loc[event["measure_id"]]
        if "spc_method" in expected:
            assert row["spc_method"] == expected["spc_method"], event["measure_id"]
        assert row["point_type"] == expected["point_type"], event["measure_id"]
        if "assurance" in expected:
            assert row["assurance_icon"] == ASSURANCE[expected["assurance"]], event["measure_id"]
        text = section(chapters[row["theme"]], event["measure_id"])
        if expected["point_type"] == "common_cause":
            assert "within normal variation" in text
            assert escape(row["sentence"]) not in changed
        else:
            assert row["special_cause_type"] == expected["rule"]
            assert "beyond normal variation" in text
            missing = f"{event['measure_id']} missing from 'What changed'"
            assert escape(row["sentence"]) in changed, missing
        checked += 1
    assert checked >= 8


def test_slow_moving_measures_stop_crying_wolf_in_the_demo_month(pack: Path) -> None:
    """Issue 18: October 2026 flagged 17 of 47 measures, 13 of them slow-moving or rolling."""
    verdicts = pd.read_csv(pack / "data" / "verdicts.csv").set_index("measure_id")
    flagged = verdicts[verdicts["beyond_normal_variation"]]
    assert len(flagged) < 17
    # The designed shifts and the single unusual month are still found.
    for measure_id in ("cin_visit_timely", "reref_12m", "eh_engage_3wd", "cla_review_timely"):
        assert measure_id in flagged.index
    # Every rolling 12-month rate is judged against its own slow movement, and says so.
    rolling = verdicts[verdicts["rolling_months"] == 12]
    assert len(rolling) == 5 and (rolling["spc_method"] == "autocorrelated").all()
    assert verdicts["lag1_autocorrelation"].notna().sum() >= 40


def test_noise_section_lists_large_looking_common_cause_moves(pack: Path) -> None:
    glance = markdown_outputs(pack / "notebooks" / "index.ipynb")
    did_not = glance.split("## What did not")[1]
    verdicts = pd.read_csv(pack / "data" / "verdicts.csv")
    listed = verdicts[verdicts["sentence"].apply(lambda s: s in did_not)]
    assert not listed.empty
    assert not listed["beyond_normal_variation"].any()
    assert listed["sentence"].str.contains("within normal variation").all()


def test_data_notes_show_revision_and_missing_month(pack: Path, events: list[dict]) -> None:
    notes = markdown_outputs(pack / "notebooks" / "data-notes.ipynb")
    revisions = pd.read_csv(pack / "data" / "revisions.csv")
    missing = pd.read_csv(pack / "data" / "missing_months.csv")
    assert not revisions.empty and not missing.empty
    assert "Revised figures" in notes and "Months with no figure" in notes
    for event in events:
        if event["kind"] == "missing_month":
            assert (
                (missing["measure_id"] == event["measure_id"])
                & (missing["period"] == event["start"])
            ).any()


def test_manifest(pack: Path, demo_pack) -> None:
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["period"] == DEMO_PERIOD
    files = manifest["files"]
    for role in ("notebooks", "data"):
        assert files[role] and all((pack / f).exists() for f in files[role])
    assert (pack / files["log"]).read_text().strip()
    assert "data/verdicts.csv" in files["data"] and "data/observations.csv" in files["data"]
    measures = ROOT / "data" / "measures.yml"
    assert (
        manifest["inputs"]["config"]["measures.yml"]
        == hashlib.sha256(measures.read_bytes()).hexdigest()
    )
    assert len(manifest["inputs"]["extracts"]) > 100
    assert manifest["versions"]["pandas"] == pd.__version__
    assert set(manifest["stage_seconds"]) >= {"check", "statistics", "notebooks", "total"}
    assert manifest["parameters"]["period"] == DEMO_PERIOD
    if not manifest["rendered"]:
        assert "html" not in files and "pdf" not in files
        assert manifest["quarto_message"]


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_failing_chapter_leaves_no_pack_and_previous_untouched(
    tmp_path: Path, demo_store: Path
) -> None:
    project = make_project(tmp_path / "project", ["index.ipynb", "how-to-read.qmd"])
    output = tmp_path / "output"
    build_pack(DEMO_PERIOD, root=project, store_path=demo_store, output=output, render=False)
    before = _tree(output / DEMO_PERIOD)

    broken = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("period = None\npack_dir = '.'\nproject_dir = None")
    params.metadata["tags"] = ["parameters"]
    broken.cells = [
        params,
        nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"),
    ]
    broken.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(broken, project / "notebooks" / "broken.ipynb")
    config = yaml.safe_load((project / "_quarto.yml").read_text())
    config["book"]["chapters"].append("broken.ipynb")
    (project / "_quarto.yml").write_text(yaml.safe_dump(config))

    with pytest.raises(NotebookFailed) as failure:
        build_pack(DEMO_PERIOD, root=project, store_path=demo_store, output=output, render=False)
    message = str(failure.value)
    assert "broken.ipynb" in message and "deliberate failure" in message and "cell " in message
    assert _tree(output / DEMO_PERIOD) == before
    assert not [p for p in output.iterdir() if p.name.startswith(".build-")], (
        "a build folder was left behind"
    )
    assert (output / "_failed" / DEMO_PERIOD / "broken.ipynb").exists()


def test_rebuild_replaces_only_that_month(tmp_path: Path, demo_store: Path) -> None:
    project = make_project(tmp_path / "project", ["index.ipynb"])
    output = tmp_path / "output"
    build_pack("2026-09", root=project, store_path=demo_store, output=output, render=False)
    september = _tree(output / "2026-09")
    first = build_pack(
        DEMO_PERIOD, root=project, store_path=demo_store, output=output, render=False
    )
    second = build_pack(
        DEMO_PERIOD, root=project, store_path=demo_store, output=output, render=False
    )
    assert _tree(output / "2026-09") == september
    assert first.folder == second.folder == output / DEMO_PERIOD
    assert json.loads((output / DEMO_PERIOD / "manifest.json").read_text())["period"] == DEMO_PERIOD
    glance = markdown_outputs(output / "2026-09" / "notebooks" / "index.ipynb")
    assert "September 2026" in glance


def test_chapters_from_reused_kernels_match_chapters_from_fresh_ones(
    demo_pack, demo_store, tmp_path
) -> None:
    """The speed-up (one kernel per worker, wiped between chapters) changes no chapter: the demo
    month built with a new kernel for every chapter, as papermill does by default, gives the
    same Markdown, chapter by chapter."""
    fresh = build_pack(
        DEMO_PERIOD,
        root=ROOT,
        store_path=demo_store,
        output=tmp_path / "output",
        render=False,
        fresh_kernels=True,
    )
    reused = sorted((demo_pack.folder / "notebooks").glob("*.ipynb"))
    assert len(reused) >= 10
    assert [p.name for p in reused] == sorted(
        p.name for p in (fresh.folder / "notebooks").glob("*.ipynb")
    )
    for chapter in reused:
        expected = markdown_outputs(fresh.folder / "notebooks" / chapter.name)
        assert markdown_outputs(chapter) == expected, chapter.name
        assert len(expected) > 300, f"{chapter.name} shows almost nothing"
    assert json.loads((fresh.folder / "manifest.json").read_text())["parameters"]["fresh_kernels"]
