"""`tracker publish`: a built month copied into the council's web folder, switched in one step.

The folder may be a network share, a static site or a SharePoint-synced library, where symlinks
are often not allowed, so none is used. The month is copied aside into `DIR/.incoming-<month>-
<pid>/` (the only slow part) and then switched into `DIR/<YYYY-MM>/`: in one atomic exchange of
the two folders where the system offers it (Linux's renameat2), otherwise by two renames a
moment apart, the old folder kept whole until the new one is in place. A publish killed while
copying leaves the month as it was; whatever it left aside is cleared (or, after a kill between
the two renames, put back) by the next publish. The archive page and latest/ are written after
the switch, each file replaced in one step.
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.delivery.archive import RECORD, archive_page, latest_page, month_page

MONTH = re.compile(r"^\d{4}-\d{2}$")
LEFT_ASIDE = re.compile(r"^\.(?P<what>incoming|replaced)-(?P<period>\d{4}-\d{2})-(?P<pid>\d+)$")
LOCK = ".publish.lock"
LATEST = "latest"
#: What goes to the web folder besides book/, the PDF and data/*.csv.
PAGES = ("summary.html", "summary.txt", "clinic-briefing.html", "clinic-briefing.pdf")


class PublishError(RuntimeError):
    """Publishing cannot go ahead; nothing in the web folder was changed."""

    exit_code = 2


@dataclass
class Published:
    """What a publish did."""

    period: str
    folder: Path
    replaced: bool
    months: list[str]
    switch: str
    warnings: list[str] = field(default_factory=list)


def _alive(pid: int) -> bool:
    """Whether a process still runs (on Windows without os.kill, which would signal it)."""
    if os.name == "nt":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _lock(dest: Path) -> Path:
    """One publish into a folder at a time; a lock left by a killed publish is taken over."""
    lock = dest / LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                holder = int(lock.read_text(encoding="utf-8").strip() or 0)
            except (OSError, ValueError):
                holder = 0
            if holder and holder != os.getpid() and _alive(holder):
                raise PublishError(
                    f"Another publish into {dest} is running (process {holder}). Wait for it to "
                    f"finish; if no publish is running, delete {lock}."
                ) from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
        return lock
    raise PublishError(f"Cannot take {lock}: delete it if no publish is running.")


def tidy(dest: Path) -> list[str]:
    """Clear what killed publishes left aside; a month caught between renames is put back."""
    notes = []
    for entry in sorted(dest.iterdir()):
        found = LEFT_ASIDE.match(entry.name)
        if not found or _alive(int(found["pid"])):
            continue
        month = dest / found["period"]
        if found["what"] == "replaced" and not month.exists():
            entry.rename(month)
            notes.append(f"put {found['period']} back (a publish was stopped while switching)")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            notes.append(f"removed {entry.name}, left by a publish that was stopped")
    return notes


def _count(path: Path) -> dict[str, int]:
    """Measures beyond normal variation, overall and among the tracker's, from verdicts.csv."""
    counts = {"measures": 0, "beyond_normal_variation": 0, "tracker_measures": 0}
    counts["tracker_beyond"] = 0
    if not path.exists():
        return counts
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            flagged = row.get("beyond_normal_variation") == "True"
            tracked = row.get("tracker") == "True"
            counts["measures"] += 1
            counts["beyond_normal_variation"] += flagged
            counts["tracker_measures"] += tracked
            counts["tracker_beyond"] += flagged and tracked
    return counts


def pack_files(pack: Path, period: str) -> list[str]:
    """What of the built pack goes to the web: the book, the PDF, the summary, the briefing,
    the data CSVs (not the executed notebooks, the build log or the manifest's paths)."""
    files = [p for p in PAGES if (pack / p).is_file()]
    pdf = f"vision-tracker-{period}.pdf"
    if (pack / pdf).is_file():
        files.append(pdf)
    files += sorted(f"data/{p.name}" for p in (pack / "data").glob("*.csv"))
    return files


def read_pack(pack: Path, period: str) -> dict[str, Any]:
    """The built month's manifest, checked to be a pack for `period`."""
    manifest = pack / "manifest.json"
    if not manifest.is_file():
        raise PublishError(
            f"There is no built pack for {period} in {pack.parent}: run "
            f"`tracker build --period {period}` first. Nothing was published."
        )
    content = json.loads(manifest.read_text(encoding="utf-8"))
    if content.get("period") != period:
        raise PublishError(f"{manifest} is for {content.get('period')}, not {period}.")
    return content


def record_for(
    pack: Path, period: str, council: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """What the archive says about the month (kept as published.json in its folder)."""
    manifest = read_pack(pack, period)
    figures = manifest.get("figures") or {}
    files = manifest.get("files") or {}
    rendered = (pack / "book" / "index.html").is_file()
    return {
        "period": period,
        "council": council,
        "published_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "built_at": manifest.get("built_at"),
        "figures": figures.get("kind", "latest"),
        "as_of": figures.get("as_of"),
        "loaded_up_to": figures.get("loaded_up_to"),
        "html": "book/index.html" if rendered else None,
        "pdf": files.get("pdf") if files.get("pdf") and (pack / files["pdf"]).is_file() else None,
        "pdf_pages": files.get("pdf_pages"),
        **_count(pack / "data" / "verdicts.csv"),
    }


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step where the system can (Linux renameat2)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0  # e.g. EINVAL where the file system (a share) cannot exchange


def _switch(incoming: Path, month: Path) -> str:
    """Put `incoming` at `month`; return how ('new', 'exchanged' or 'renamed')."""
    if not month.exists():
        incoming.rename(month)
        return "new"
    if _exchange(incoming, month):
        shutil.rmtree(incoming, ignore_errors=True)  # now the previous version
        return "exchanged"
    replaced = month.with_name(f".replaced-{month.name}-{os.getpid()}")
    month.rename(replaced)
    try:
        incoming.rename(month)
    except OSError:
        replaced.rename(month)  # the previous version back where it was
        raise
    shutil.rmtree(replaced, ignore_errors=True)
    return "renamed"


def write_whole(path: Path, text: str) -> None:
    """Replace a page in one step, readable by the web server (not a temporary file's 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def published_records(dest: Path) -> list[dict[str, Any]]:
    """Every month in the web folder with its record, newest first."""
    found = []
    for entry in dest.iterdir():
        record = entry / RECORD
        if MONTH.match(entry.name) and entry.is_dir() and record.is_file():
            try:
                found.append(json.loads(record.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    return sorted(found, key=lambda r: r["period"], reverse=True)


def write_archive(dest: Path, council: str) -> list[str]:
    """DIR/index.html and DIR/latest/index.html from the months there, each replaced whole."""
    records = published_records(dest)
    write_whole(dest / "index.html", archive_page(records, council))
    if records:
        write_whole(dest / LATEST / "index.html", latest_page(records[0], council))
    return [r["period"] for r in records]


def _check_destination(dest: Path, pack: Path, output: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise PublishError(f"--to {dest}: this is a file, not a folder. Nothing was published.")
    target = dest.resolve()
    for inside in (pack.resolve(), output.resolve()):
        if target == inside or inside in target.parents:
            raise PublishError(
                f"--to {dest} is inside {inside}, where packs are built. Give the council's web "
                "folder (a share, a static site's folder). Nothing was published."
            )


def publish_month(
    output: Path,
    period: str,
    dest: Path,
    council: str,
    now: dt.datetime | None = None,
) -> Published:
    """Copy output/<period> into dest/<period> and switch it in; rewrite the archive pages."""
    pack = output / period
    record = record_for(pack, period, council, now)
    _check_destination(dest, pack, output)
    source = pack.resolve()
    files = pack_files(source, period)
    warnings = []
    if record["html"] is None:
        warnings.append(
            f"The {period} pack has no HTML book or PDF (it was built without Quarto): the "
            "archive lists its summary and data only. Build it with Quarto and publish again."
        )
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(
            f"Cannot make the folder {dest} ({exc}). Nothing was published."
        ) from None
    lock = _lock(dest)
    try:
        warnings += tidy(dest)
        incoming = dest / f".incoming-{period}-{os.getpid()}"
        try:
            _copy(source, incoming, files, record)
        except OSError as exc:  # a full disk, a share that went away, no permission
            shutil.rmtree(incoming, ignore_errors=True)
            raise PublishError(
                f"Could not copy the {period} pack into {dest} ({exc}). The published month "
                "is as it was."
            ) from None
        month = dest / period
        replaced = month.exists()
        try:
            how = _switch(incoming, month)
        except OSError as exc:  # e.g. Windows: a file in the month's folder is open
            shutil.rmtree(incoming, ignore_errors=True)
            raise PublishError(
                f"Could not switch {month} to the new copy ({exc}). Close any file open in it "
                "and publish again; the month is as it was."
            ) from None
        months = write_archive(dest, council)
    finally:
        lock.unlink(missing_ok=True)
    return Published(period, month, replaced, months, how, warnings)


def _copy(source: Path, incoming: Path, files: list[str], record: dict[str, Any]) -> None:
    """The month's folder as it will be published, made beside the published one."""
    if incoming.exists():
        shutil.rmtree(incoming)
    incoming.mkdir()
    if record["html"]:
        shutil.copytree(source / "book", incoming / "book", symlinks=False)
    for name in files:
        (incoming / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, incoming / name)
    (incoming / RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
    (incoming / "index.html").write_text(month_page(record, files), encoding="utf-8")


def newest_built(output: Path) -> str | None:
    """The newest month with a built pack in output/ (what `tracker publish` does by default)."""
    if not output.is_dir():
        return None
    months = [
        p.name for p in output.iterdir() if MONTH.match(p.name) and (p / "manifest.json").exists()
    ]
    return max(months) if months else None
