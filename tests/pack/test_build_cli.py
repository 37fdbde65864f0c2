"""`tracker build` as a user runs it: the real console script in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_PERIOD, make_project

TRACKER = str(Path(sys.executable).with_name("tracker"))


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    environment.pop("TRACKER_HOME", None)
    return subprocess.run(
        [TRACKER, *args], cwd=cwd, capture_output=True, text=True, env=environment
    )


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(
        tmp_path_factory.mktemp("cli") / "project", ["index.ipynb", "how-to-read.qmd"]
    )


def test_unreadable_period_is_bad_input(small_project: Path, demo_store: Path) -> None:
    result = run(["build", "--period", "2026-13", "--store", str(demo_store)], small_project)
    assert result.returncode == 2
    assert "2026-13" in result.stderr
    assert not (small_project / "output" / "2026-13").exists()


def test_month_not_in_store_is_bad_input(small_project: Path, demo_store: Path) -> None:
    result = run(["build", "--period", "2019-01", "--store", str(demo_store)], small_project)
    assert result.returncode == 2
    assert "no figures for 2019-01" in result.stderr
    assert "Load that month's extracts" in result.stderr


def test_missing_quarto_keeps_notebooks_and_exits_3(small_project: Path, demo_store: Path) -> None:
    missing = small_project / "no-such-quarto"
    result = run(
        ["build", "--period", DEMO_PERIOD, "--store", str(demo_store)],
        small_project,
        QUARTO_PATH=str(missing),
    )
    assert result.returncode == 3, result.stderr
    assert "Quarto was not found" in result.stderr and "pip install quarto-cli" in result.stderr
    pack = small_project / "output" / DEMO_PERIOD
    assert (pack / "notebooks" / "index.ipynb").exists()
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["rendered"] is False and "not found" in manifest["quarto_message"]
    assert "html" not in manifest["files"]


def test_no_render_exits_0(small_project: Path, demo_store: Path) -> None:
    result = run(
        ["build", "--period", "2026-09", "--store", str(demo_store), "--no-render"], small_project
    )
    assert result.returncode == 0, result.stderr
    assert "Pack for 2026-09" in result.stdout
    assert (small_project / "output" / "2026-09" / "manifest.json").exists()
