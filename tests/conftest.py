"""Shared fixtures: the demo store and built packs, made once per test session.

Building a pack runs real papermill with a real kernel, so the expensive fixtures are
session-scoped and shared by the pack tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.inputs.store import Store
from helpers.pack.build import build_pack

ROOT = Path(__file__).resolve().parents[1]
DEMO_PERIOD = "2026-10"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh store holding every bundled demo extract."""
    path = tmp_path_factory.mktemp("store") / "tracker.duckdb"
    with Store(path) as store:
        store.load([ROOT / "data" / "extracts"])
    return path


def make_project(
    folder: Path, chapters: list, extra_notebooks: dict[str, Path] | None = None
) -> Path:
    """A copy of the project with its own chapter list (for small, fast builds)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    config["book"]["chapters"] = chapters
    listed = {c for c in chapters if isinstance(c, str)}
    pdf = config["members-pdf"]["chapters"]
    config["members-pdf"]["chapters"] = [c for c in pdf if c in listed]
    (folder / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    shutil.copytree(ROOT / "_extensions", folder / "_extensions")
    data = folder / "data"
    data.mkdir()
    for item in (ROOT / "data").iterdir():
        if item.is_file() and item.suffix in (".yml", ".csv", ".md"):
            shutil.copy2(item, data / item.name)
    for name, source in (extra_notebooks or {}).items():
        shutil.copy2(source, folder / "notebooks" / name)
    return folder


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory: pytest.TempPathFactory, demo_store: Path):
    """The full demo pack for the latest month, built to executed notebooks (no Quarto)."""
    output = tmp_path_factory.mktemp("output")
    result = build_pack(DEMO_PERIOD, root=ROOT, store_path=demo_store, output=output, render=False)
    return result


#: The analyst's chapter that the notebooks-by-hand fixture adds (tracker new-chapter).
OWN_CHAPTER = "placement-stability"


@pytest.fixture(scope="session")
def opened_by_hand(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> dict:
    """Every notebook in notebooks/ of a project copy (with an analyst's new chapter) run as
    Jupyter runs it, first with no pack built, then after `tracker build` of the month.

    Returns root, the build's result, and for "before" and "after" each notebook's run.
    """
    from concurrent.futures import ThreadPoolExecutor

    from opened_by_hand import run_as_opened

    from helpers.inputs.catalogue import load_catalogue
    from helpers.workflows.new_chapter import new_chapter

    chapters = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    root = make_project(tmp_path_factory.mktemp("by-hand") / "project", chapters["chapters"])
    shutil.copy2(demo_store, root / "data" / "tracker.duckdb")
    catalogue = load_catalogue(root / "data" / "measures.yml")
    new_chapter(root, OWN_CHAPTER, "Placement stability", ["cla_3plus_placements"], catalogue)
    sources = sorted((root / "notebooks").glob("*.ipynb"))
    runs: dict = {"root": root}
    with pytest.MonkeyPatch.context() as env:
        # As an analyst opens them: the project and its store found from the notebook's folder.
        env.delenv("TRACKER_HOME", raising=False)
        env.delenv("TRACKER_STORE", raising=False)
        for when in ("before", "after"):
            if when == "after":
                runs["build"] = build_pack(DEMO_PERIOD, root=root, render=False)
            shutil.rmtree(root / "notebooks" / "figures", ignore_errors=True)
            first = run_as_opened(sources[0])  # works the month out, or finds the pack
            with ThreadPoolExecutor(max_workers=2) as pool:
                rest = list(pool.map(run_as_opened, sources[1:]))
            runs[when] = dict(zip([p.name for p in sources], [first, *rest], strict=True))
            runs[f"{when} charts"] = sorted(p.name for p in (root / "notebooks/figures").iterdir())
    return runs
