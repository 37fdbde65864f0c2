"""As-published rebuilds: a month rebuilt after a revision reproduces its published data exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_project

from helpers.inputs.store import Store
from helpers.pack.build import BuildError, build_pack

TRACKER = str(Path(sys.executable).with_name("tracker"))
DATA = ("verdicts.csv", "observations.csv")


def _revise(store_path: Path, folder: Path) -> None:
    """Load a corrected September 2026 re-referral figure (five more re-referrals)."""
    with Store(store_path) as store:
        row = store.observations("reref_12m").set_index("period").loc["2026-09"]
        numerator, denominator = row["numerator"] + 5, row["denominator"]
        path = folder / "correction.csv"
        path.write_text(
            "measure_id,period,value,numerator,denominator\n"
            f"reref_12m,2026-09,{round(100 * numerator / denominator, 1)},"
            f"{numerator:g},{denominator:g}\n",
            encoding="utf-8",
        )
        report = store.load([path])
    assert report.revised_rows == 1


def test_as_published_rebuild_reproduces_the_published_csvs(
    tmp_path: Path, demo_store: Path
) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy2(demo_store, store)
    project = make_project(tmp_path / "project", ["how-to-read.qmd"])
    output = project / "output"
    first = build_pack("2026-09", root=project, store_path=store, output=output, render=False)
    assert first.manifest["figures"]["kind"] == "latest"
    published = {n: (output / "2026-09" / "data" / n).read_bytes() for n in DATA}
    _revise(store, tmp_path)

    # The command line, as an analyst would run it.
    env = {**os.environ, "TRACKER_HOME": str(project)}
    run = subprocess.run(
        [
            TRACKER,
            "build",
            "--period",
            "2026-09",
            "--as-published",
            "--no-render",
            "--store",
            str(store),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in DATA:
        assert (output / "2026-09" / "data" / name).read_bytes() == published[name], name
    manifest = json.loads((output / "2026-09" / "manifest.json").read_text())
    assert manifest["figures"]["kind"] == "as-published"
    assert manifest["figures"]["as_of"] == first.manifest["figures"]["loaded_up_to"]
    assert len(manifest["inputs"]["extracts"]) == len(first.manifest["inputs"]["extracts"])

    # A plain rebuild uses the corrected figure; --as-of any earlier time matches the original.
    latest = build_pack("2026-09", root=project, store_path=store, output=output, render=False)
    assert latest.manifest["figures"]["kind"] == "latest"
    assert (output / "2026-09" / "data" / "observations.csv").read_bytes() != published[
        "observations.csv"
    ]
    assert (output / "2026-09" / "data" / "verdicts.csv").read_bytes() != published["verdicts.csv"]
    again = build_pack(
        "2026-09",
        root=project,
        store_path=store,
        output=output,
        render=False,
        as_of=first.manifest["figures"]["loaded_up_to"],
    )
    assert again.manifest["figures"]["kind"] == "as-of"
    for name in DATA:
        assert (output / "2026-09" / "data" / name).read_bytes() == published[name], name


def test_as_published_needs_a_published_pack(tmp_path: Path, demo_store: Path) -> None:
    project = make_project(tmp_path / "project", ["how-to-read.qmd"])
    with pytest.raises(BuildError, match="No published pack to match"):
        build_pack(
            "2026-09",
            root=project,
            store_path=demo_store,
            output=tmp_path / "out",
            render=False,
            as_published=True,
        )
    with pytest.raises(BuildError, match="is not a time"):
        build_pack(
            "2026-09",
            root=project,
            store_path=demo_store,
            output=tmp_path / "out",
            render=False,
            as_of="yesterday-ish",
        )
    with pytest.raises(BuildError, match="has no figures for 2026-09"):
        build_pack(
            "2026-09",
            root=project,
            store_path=demo_store,
            output=tmp_path / "out",
            render=False,
            as_of="2001-01-01T00:00:00",
        )
    assert not (tmp_path / "out" / "2026-09").exists()
