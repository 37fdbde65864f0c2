"""A month whose inputs have not changed is not built again; any change to an input rebuilds it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DEMO_PERIOD, ROOT, make_project

from helpers.inputs.store import Store
from helpers.pack import freshness
from helpers.pack.build import build_pack

EXTRACT = ROOT / "data" / "extracts" / DEMO_PERIOD / "social_care_scorecard_2026-10.csv"


@pytest.fixture
def project(tmp_path: Path, demo_store: Path) -> tuple[Path, Path, Path]:
    root = make_project(tmp_path / "project", ["index.ipynb"])
    store = tmp_path / "store.duckdb"
    shutil.copy2(demo_store, store)
    return root, store, tmp_path / "output"


def _key(root: Path, store: Path) -> str:
    with Store(store) as s:
        return freshness.build_key(freshness.key_parts(root, s, DEMO_PERIOD, "not rendered"))


def test_unchanged_rebuild_skips_and_force_rebuilds(project) -> None:
    root, store, output = project
    first = build_pack(DEMO_PERIOD, root=root, store_path=store, output=output, render=False)
    assert not first.up_to_date
    manifest = json.loads((first.folder / "manifest.json").read_text())
    assert manifest["freshness"]["build_key"] == _key(root, store)
    assert set(manifest["freshness"]["parts"]) >= {"figures", "loads", "notebooks", "quarto_yml"}

    again = build_pack(DEMO_PERIOD, root=root, store_path=store, output=output, render=False)
    assert again.up_to_date and again.stages["total"] < 2.0
    assert json.loads((output / DEMO_PERIOD / "manifest.json").read_text()) == manifest

    forced = build_pack(
        DEMO_PERIOD, root=root, store_path=store, output=output, render=False, force=True
    )
    assert not forced.up_to_date
    rebuilt = json.loads((output / DEMO_PERIOD / "manifest.json").read_text())
    assert rebuilt["built_at"] >= manifest["built_at"] and "notebooks" in rebuilt["stage_seconds"]


def test_a_changed_input_rebuilds_and_says_what_changed(project) -> None:
    root, store, output = project
    build_pack(DEMO_PERIOD, root=root, store_path=store, output=output, render=False)
    themes = root / "data" / "themes.yml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("Early help", "Early Help"))
    result = build_pack(DEMO_PERIOD, root=root, store_path=store, output=output, render=False)
    assert not result.up_to_date
    assert result.changed == ["data/themes.yml"]


def _edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_each_kind_of_input_changes_the_build_key(project, tmp_path: Path) -> None:
    root, store, _ = project
    seen = {_key(root, store)}

    def changed(what: str) -> None:
        key = _key(root, store)
        assert key not in seen, f"{what} did not change the build key"
        seen.add(key)

    # a new load (the same figures in another file still changes the files the pack lists)
    copy = tmp_path / "extracts" / "resent_social_care_2026-10.csv"
    copy.parent.mkdir()
    lines = EXTRACT.read_text(encoding="utf-8").splitlines()
    copy.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    with Store(store) as s:
        s.load([copy])
    changed("a new load")
    # a revised figure for an earlier month
    revised = tmp_path / "extracts" / "correction_2026-09.csv"
    revised.write_text("measure_id,period,value\ncsc_contacts,2026-09,1999\n", encoding="utf-8")
    with Store(store) as s:
        s.load([revised])
    changed("a revised figure")
    _edit_text(root / "data" / "measures.yml", "A high figure can mean", "A high figure may mean")
    changed("a catalogue edit")
    selections = root / "data" / "selections.yml"
    data = yaml.safe_load(selections.read_text(encoding="utf-8"))
    data["deep_dives"][DEMO_PERIOD]["measures"] = ["reref_12m"]
    selections.write_text(yaml.safe_dump(data), encoding="utf-8")
    changed("a selection")
    _edit_text(root / "notebooks" / "index.ipynb", "# At a glance", "# At a glance ")
    changed("a notebook edit")
    _edit_text(root / "_quarto.yml", "search: true", "search: false")
    changed("_quarto.yml")
    with Store(store) as s:
        parts = freshness.key_parts(root, s, DEMO_PERIOD, "1.10.18")
    assert freshness.build_key(parts) not in seen, "the Quarto version is part of the key"
