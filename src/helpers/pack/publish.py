"""Publishing a month's pack so that a reader never finds it missing or half-written.

Each build is kept as `output/.packs/<period>-<stamp>/`, and `output/<period>` is a symlink to the
current one, switched in one `os.replace` (atomic on POSIX): at every instant the link names a
complete pack, the old one or the new. The previous pack of the month is removed only after
the switch. Build folders left by a killed build (`output/.build-<period>-<pid>` whose process
is gone) are removed by the next build.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

PACKS = ".packs"
BUILD_FOLDER = re.compile(r"^\.build-(?P<period>\d{4}-\d{2})-(?P<pid>\d+)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_abandoned_builds(output: Path) -> list[Path]:
    """Delete build folders whose building process no longer exists; return what went."""
    removed = []
    if not output.is_dir():
        return removed
    for entry in output.iterdir():
        match = BUILD_FOLDER.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def publish(stage: Path, output: Path, period: str) -> Path:
    """Move the finished build into `.packs/` and point `output/<period>` at it atomically."""
    packs = output / PACKS
    packs.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    kept = packs / f"{period}-{stamp}"
    stage.rename(kept)
    link = output / period
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        # A pack published before packs were links: keep it beside the others, then link.
        link.rename(packs / f"{period}-earlier-{stamp}")
        previous = packs / f"{period}-earlier-{stamp}"
    temporary = output / f".link-{period}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path(PACKS) / kept.name, target_is_directory=True)
    os.replace(temporary, link)
    if previous is not None and previous.exists() and previous != kept.resolve():
        shutil.rmtree(previous, ignore_errors=True)
    return link
