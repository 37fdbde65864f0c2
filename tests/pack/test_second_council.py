"""A second council proves the council is a setting: Bristol (801, South West) with its own extract.

The project is copied, council.yml switched to Bristol and given a small synthetic extract of
its own; the pack is built to executed notebooks with real papermill. The pack must name
Bristol, its region and neighbours, show Bristol's published figures from the all-authority
table, and carry no trace of the demo council anywhere in its notebooks and CSVs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_PERIOD, make_project

from helpers.inputs.store import Store
from helpers.pack.book import book_config, council_words
from helpers.pack.build import build_pack
from helpers.report.markdown import escape

BRISTOL = {
    "name": "Bristol",
    "la_code": "801",
    "ons_code": "E06000023",
    "region": "South West",
    "commission": "People Scrutiny Commission",
}
CHAPTERS = ["index.ipynb", "front_door.ipynb", "deep-dive.ipynb", "data-notes.ipynb"]
#: The measures Bristol's extract carries, with a plausible monthly level for each.
LEVELS = {"reref_12m": 21.0, "ref_rate": 45.0, "cla_rate": 70.0, "sw_agency": 15.0}


def write_extract(folder: Path) -> None:
    """24 months of Bristol's figures for a few measures (synthetic, seeded)."""
    rng = np.random.default_rng(801)
    months = pd.period_range(end=DEMO_PERIOD, periods=24, freq="M").astype(str)
    folder.mkdir(parents=True)
    with (folder / "bristol-scorecard.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["measure_id", "period", "value"])
        for measure_id, level in LEVELS.items():
            for month in months:
                out.writerow([measure_id, month, round(level + rng.normal(0, level * 0.04), 1)])


@pytest.fixture(scope="module")
def bristol(tmp_path_factory: pytest.TempPathFactory):
    root = make_project(tmp_path_factory.mktemp("bristol") / "project", CHAPTERS)
    lines = [f"{k}: {json.dumps(v)}" for k, v in BRISTOL.items()]
    (root / "data" / "council.yml").write_text(
        "\n".join([*lines, "statistical_neighbours: dfe_2025", "demo: false", ""]),
        encoding="utf-8",
    )
    (root / "data" / "selections.yml").write_text(
        f'deep_dives:\n  "{DEMO_PERIOD}":\n    requested_by: {BRISTOL["commission"]}\n'
        "    measures:\n      - reref_12m\n",
        encoding="utf-8",
    )
    write_extract(root / "data" / "extracts" / DEMO_PERIOD)
    store = root / "data" / "tracker.duckdb"
    with Store(store) as s:
        s.load([root / "data" / "extracts"])
    result = build_pack(
        DEMO_PERIOD, root=root, store_path=store, output=root / "output", render=False
    )
    return root, result.folder


def notebook_text(path: Path) -> str:
    """Everything in an executed notebook: sources and every output."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.extend(str(v) for v in output.get("data", {}).values())
            parts.append(str(output.get("text", "")))
    return "\n".join(parts)


def bristol_rows(root: Path) -> pd.DataFrame:
    table = pd.read_csv(
        root / "data" / "benchmarks.csv", dtype={"area_code": str}, keep_default_na=False
    )
    return table[(table["area_type"] == "la") & (table["area_code"] == "801")]


def test_no_trace_of_the_demo_council(bristol) -> None:
    _, pack = bristol
    files = sorted(pack.glob("notebooks/*.ipynb")) + sorted(pack.glob("data/*.csv"))
    assert len(files) >= len(CHAPTERS) + 5
    for path in files:
        text = notebook_text(path) if path.suffix == ".ipynb" else path.read_text("utf-8")
        assert "rotherham" not in text.lower(), path.name
        assert "improving lives" not in text.lower(), path.name


def test_names_the_council_its_region_and_neighbours(bristol) -> None:
    root, pack = bristol
    index = notebook_text(pack / "notebooks" / "index.ipynb")
    assert BRISTOL["commission"] in index
    notes = notebook_text(pack / "notebooks" / "data-notes.ipynb")
    neighbours = pd.read_csv(root / "data" / "authorities.csv", dtype=str).set_index("old_la_code")
    codes = [neighbours.loc["801", f"sn_{i}"] for i in range(1, 11)]
    for code in codes:
        # Names such as "Bristol, City of" or "Kingston upon Hull, City of" are data: escaped.
        assert escape(neighbours.loc[code, "la_name"]) in notes, code
    assert "Bristol's statistical neighbours" in notes
    assert "South West" in notes
    deep = notebook_text(pack / "notebooks" / "deep-dive.ipynb")
    assert "| Year to 31 March | Bristol | England | South West | Similar areas |" in deep
    assert "How Bristol compares" in notebook_text(pack / "notebooks" / "front_door.ipynb")


def test_shows_bristols_published_figures_and_rank(bristol) -> None:
    root, pack = bristol
    mine = bristol_rows(root)
    verdicts = pd.read_csv(pack / "data" / "verdicts.csv").set_index("measure_id")
    assert "council_published" in verdicts and "rotherham_published" not in verdicts
    latest = mine[mine["measure_id"] == "reref_12m"].sort_values("year").iloc[-1]
    row = verdicts.loc["reref_12m"]
    assert row["benchmark_year"] == latest["year"]
    assert row["council_published"] == float(latest["value"])
    # The rank, worked out here from the table: lower re-referrals are better.
    year = mine[mine["measure_id"] == "reref_12m"]["year"].max()
    table = pd.read_csv(root / "data" / "benchmarks.csv", dtype={"area_code": str})
    las = table[
        (table["measure_id"] == "reref_12m")
        & (table["year"] == year)
        & (table["area_type"] == "la")
    ]
    values = las["value"].dropna()
    assert row["national_rank"] == 1 + (values < float(latest["value"])).sum()
    assert row["national_ranked"] == len(values)
    south_west = table[
        (table["measure_id"] == "reref_12m")
        & (table["year"] == year)
        & (table["area_code"] == "E12000009")
    ]["value"]
    assert row["region"] == pytest.approx(float(south_west.iloc[0]))
    deep = notebook_text(pack / "notebooks" / "deep-dive.ipynb")
    shown = escape(f"{float(latest['value']):.1f}%")  # table cells are escaped: "23\\.2%"
    assert f"| {year} | {shown} |" in deep
    bench = pd.read_csv(pack / "data" / "benchmarks.csv")
    assert set(bench["measure_id"]) >= {"reref_12m", "cla_rate", "sw_agency"}


def test_cover_names_the_council(bristol) -> None:
    import yaml

    root, _ = bristol
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    for kind in ("html", "pdf"):
        staged = book_config(config, DEMO_PERIOD, kind, council_words(root))
        assert staged["council"] == "Bristol"
        assert staged["commission"] == BRISTOL["commission"]
        assert staged["book"]["author"].startswith("Bristol ")
        assert "October 2026" in staged["book"]["subtitle"]
