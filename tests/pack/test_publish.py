"""Publishing swaps the month's pack in one step and clears up after builds that were killed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.pack.publish import PACKS, publish, remove_abandoned_builds


def _build_folder(output: Path, period: str, text: str, pid: int | None = None) -> Path:
    folder = output / f".build-{period}-{pid or os.getpid()}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(text)
    return folder


def test_the_month_is_a_link_switched_to_the_new_pack(tmp_path: Path) -> None:
    output = tmp_path / "output"
    link = publish(_build_folder(output, "2026-10", "first"), output, "2026-10")
    assert link.is_symlink() and (link / "manifest.json").read_text() == "first"
    first_target = link.resolve()
    publish(_build_folder(output, "2026-10", "second"), output, "2026-10")
    assert (link / "manifest.json").read_text() == "second"
    assert not first_target.exists(), "the replaced pack is removed after the switch"
    assert len(list((output / PACKS).iterdir())) == 1
    assert not [p for p in output.iterdir() if p.name.startswith((".build-", ".link-"))]


def test_other_months_are_never_touched(tmp_path: Path) -> None:
    output = tmp_path / "output"
    publish(_build_folder(output, "2026-09", "september"), output, "2026-09")
    publish(_build_folder(output, "2026-10", "october"), output, "2026-10")
    publish(_build_folder(output, "2026-10", "october again"), output, "2026-10")
    assert (output / "2026-09" / "manifest.json").read_text() == "september"


def test_a_pack_published_as_a_folder_becomes_a_link(tmp_path: Path) -> None:
    output = tmp_path / "output"
    old = output / "2026-10"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("old folder")
    publish(_build_folder(output, "2026-10", "new"), output, "2026-10")
    assert (output / "2026-10").is_symlink()
    assert (output / "2026-10" / "manifest.json").read_text() == "new"


def test_folders_of_killed_builds_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    output = tmp_path / "output"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    dead = _build_folder(output, "2026-10", "killed", pid=dead_pid)
    live = _build_folder(output, "2026-09", "running")  # this process is alive
    other = output / ".packs"
    other.mkdir()
    removed = remove_abandoned_builds(output)
    assert removed == [dead] and not dead.exists()
    assert live.exists() and other.exists()
