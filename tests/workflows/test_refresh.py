"""The six-monthly tracker refresh edits measures.yml and themes.yml as text, or not at all."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.inputs.catalogue import load_catalogue
from helpers.workflows.refresh import RefreshError, refresh_tracker

ROOT = Path(__file__).resolve().parents[2]


def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("measures.yml", "themes.yml"):
        (folder / name).write_bytes((ROOT / "data" / name).read_bytes())
    return folder


def test_refresh_sets_flags_and_review_dates_and_keeps_everything_else(tmp_path: Path) -> None:
    folder = data(tmp_path)
    catalogue = load_catalogue(folder / "measures.yml")
    assert catalogue["eh_contacts"].tracker and not catalogue["cla_dental"].tracker
    before = (folder / "measures.yml").read_text().splitlines()
    done = refresh_tracker(catalogue, ["cla_dental"], ["eh_contacts"], dt.date(2027, 4, 14))
    assert done.added == ("cla_dental",) and done.removed == ("eh_contacts",)
    assert done.next_due == dt.date(2027, 10, 14)
    after_text = (folder / "measures.yml").read_text()
    after = after_text.splitlines()
    # Only the two flag lines changed: comments, order and wording are as the analysts left them.
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert sorted(changed) == sorted(
        [("    tracker: true", "    tracker: false"), ("    tracker: false", "    tracker: true")]
    )
    edited = load_catalogue(folder / "measures.yml")
    assert edited["cla_dental"].tracker and not edited["eh_contacts"].tracker
    themes = (folder / "themes.yml").read_text()
    assert "last_refreshed: 2027-04-14" in themes and "next_due: 2027-10-14" in themes
    assert themes.startswith("# The pack's theme chapters")


@pytest.mark.parametrize(
    ("add", "remove", "message"),
    [(["no_such"], [], "Not in the catalogue"), (["cla_dental"], ["cla_dental"], "Both added")],
)
def test_refusals_change_nothing(tmp_path: Path, add, remove, message) -> None:
    folder = data(tmp_path)
    files = {p: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(RefreshError, match=message):
        refresh_tracker(load_catalogue(folder / "measures.yml"), add, remove)
    assert {p: p.read_bytes() for p in folder.iterdir()} == files


def test_tracker_refresh_command_lists_and_records(tmp_path: Path) -> None:
    folder = data(tmp_path)
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    tracker = str(Path(sys.executable).with_name("tracker"))
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_HOME"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [tracker, "refresh", *args], cwd=tmp_path, capture_output=True, text=True, env=env
        )

    listed = run()
    assert listed.returncode == 0 and "Early help: 4 of 8 measures" in listed.stdout
    done = run("--add", "cla_dental", "--on", "2027-04-14")
    assert done.returncode == 0, done.stderr
    assert "added: cla_dental" in done.stdout and "next review by October 2027" in done.stdout
    bad = run("--on", "14/04/2027")
    assert bad.returncode == 2 and "Nothing was changed" in bad.stderr
    assert "next_due: 2027-10-14" in (folder / "themes.yml").read_text()


def test_the_pack_says_when_the_review_is_overdue(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from helpers.report.glance import tracker_review

    folder = data(tmp_path)
    catalogue = load_catalogue(folder / "measures.yml")  # reviewed 2026-10-01, due 2027-04-01
    on_time = tracker_review(SimpleNamespace(catalogue=catalogue, period="2027-02"))
    assert "reviews the choice every six months (next by April 2027)" in on_time
    late = tracker_review(SimpleNamespace(catalogue=catalogue, period="2027-04"))
    assert "was due by 1 April 2027 and has not been recorded yet" in late
