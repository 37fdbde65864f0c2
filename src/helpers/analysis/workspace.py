"""The month a chapter reads when it is opened outside a build (JupyterLab, `tracker preview`).

Inside `tracker build` the parameters name the build folder and nothing here is used. Opened by
hand, a chapter has no build folder: it reads the latest month built in output/ when that pack
was made from the figures, files and code there are now; otherwise the month is worked out from
the store once and kept in output/preview/<period>/data/ (the files a build writes), so the next
chapter opened, or previewed, reads it in a fraction of a second.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import helpers
from helpers import paths
from helpers.analysis.month import MonthAnalysis, analyse_month, read_month, write_month
from helpers.files import file_hash, tree_hash
from helpers.inputs.store import Store
from helpers.periods import parse_period

#: output/preview/<period>/: the months worked out outside a build, and the chapters previewed.
PREVIEW = "preview"
#: Beside the month's data: what its statistics were made from (see statistics_parts).
KEY_FILE = "statistics.json"
#: The parts of a build's key that decide the month's statistics (statistics_parts).
STATISTICS_KEYS = ("figures", "loads", "data_files", "code", "version")
#: The charts a preview drew for the month, kept for the next chapter (helpers.pack.figures).
CHARTS = "charts"
MONTH = re.compile(r"^\d{4}-\d{2}$")
LOAD_HINT = (
    "Load the figures first: `tracker load data/extracts` from the project folder "
    "(`.venv/bin/tracker` when the environment is not active), or `make pack`, "
    "then run the chapter again."
)


class MonthUnavailable(FileNotFoundError):
    """There is no month to read or work out; the message names the command to run."""


def statistics_parts(root: Path, store: Store, period: str, as_of: object = None) -> dict[str, Any]:
    """A hash of each thing the month's statistics are made from.

    The store's figures up to the month and its loads, every file the analysis reads from data/
    and the code. A build's key adds the notebooks, the book and Quarto to these
    (helpers.pack.freshness).
    """
    data = paths.data_dir(root)
    return {
        "figures": _frame_hash(store.observations(until=period, as_of=as_of)),
        "loads": _frame_hash(store.loads(as_of)),
        "data_files": {
            p.name: file_hash(p)
            for p in sorted(data.iterdir())
            if p.is_file() and p.suffix in (".yml", ".yaml", ".csv", ".md", ".xlsx")
        },
        "code": tree_hash(Path(helpers.__file__).parent, "**/*.py"),
        "version": helpers.__version__,
    }


def _frame_hash(frame: Any) -> str:
    import hashlib

    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def write_key(folder: Path, parts: dict[str, Any]) -> None:
    """Record what the month's data in `folder` (a pack's data/) was made from.

    `parts` may be a whole build key's: only the statistics' own parts are kept.
    """
    kept = {k: parts[k] for k in STATISTICS_KEYS}
    (folder / KEY_FILE).write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")


def _key(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "data" / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def built_periods(root: Path) -> list[str]:
    """The months with a pack in output/ (oldest first)."""
    output = paths.output_dir(root)
    if not output.is_dir():
        return []
    return sorted(
        p.name for p in output.iterdir() if MONTH.match(p.name) and (p / "data/month.yml").exists()
    )


def preview_dir(root: Path, period: str) -> Path:
    """output/preview/<period>: the month worked out outside a build, and its previews."""
    return paths.output_dir(root) / PREVIEW / period


def _store(root: Path, store_path: Path | None) -> Store:
    return Store(store_path or paths.store_path(root))


def latest_month(root: Path, store_path: Path | None = None) -> str:
    """The month a chapter opened with no parameters shows.

    The latest month built in output/; where none has been built, the latest month in the store.
    """
    built = built_periods(root)
    if built:
        return built[-1]
    store = _store(root, store_path)
    if not store.path.exists():
        raise MonthUnavailable(
            f"No pack has been built and there is no store at {store.path}. " + LOAD_HINT
        )
    latest = store.latest_period()
    if latest is None:
        raise MonthUnavailable(f"The store {store.path} holds no figures yet. " + LOAD_HINT)
    return str(latest)


def month_folder(
    root: Path,
    period: str,
    store_path: Path | None = None,
    on_note: Any = None,
    copy_built: bool = False,
) -> Path:
    """The folder whose data/ holds the month's statistics as they would be built now.

    The pack built in output/<period> when it was made from today's figures, files and code;
    else output/preview/<period>, worked out from the store when it is missing or out of date.
    `copy_built` (a preview, which writes beside the data): always output/preview/<period>,
    holding a copy of the built pack's data when that is current. `on_note` (a callable taking
    one sentence) hears where the month came from.
    """
    note = on_note or (lambda _text: None)
    built = paths.output_dir(root) / period
    cache = preview_dir(root, period)
    store = _store(root, store_path)
    if not store.path.exists():
        if (built / "data/month.yml").exists():
            note(f"Read {period} from the pack built in {built} (there is no store to check it).")
            return _copied(built, cache) if copy_built else built
        raise MonthUnavailable(f"There is no store at {store.path}. " + LOAD_HINT)
    with store:
        parts = statistics_parts(root, store, period)
        if (built / "data/month.yml").exists() and _key(built) == parts:
            note(f"Read {period} from the pack built in {built}.")
            return _copied(built, cache) if copy_built else built
        if (cache / "data/month.yml").exists() and _key(cache) == parts:
            note(f"Read {period} from {cache} (worked out from the store earlier).")
            return cache
        if store.latest_period() is None:
            raise MonthUnavailable(f"The store {store.path} holds no figures yet. " + LOAD_HINT)
        if period not in set(store.observations(until=period)["period"]):
            raise MonthUnavailable(
                f"The store {store.path} has no figures for {period}. Load that month's "
                "extracts (`tracker load data/extracts`), or choose another month."
            )
        from helpers.inputs.catalogue import load_catalogue

        started = time.perf_counter()
        month = analyse_month(store, load_catalogue(paths.catalogue_path(root)), period, root)
    _replace_data(cache, lambda folder: (write_month(month, folder), write_key(folder, parts)))
    note(
        f"Worked out {period} from the store in {time.perf_counter() - started:.1f} s; "
        f"kept in {cache} for the next chapter."
    )
    return cache


def _copied(built: Path, cache: Path) -> Path:
    """cache/data as a copy of the built pack's data (unless it already is one)."""
    if not (cache / "data/month.yml").exists() or _key(cache) != _key(built) or not _key(built):
        _replace_data(cache, lambda folder: shutil.copytree(built / "data", folder))
    return cache


def _replace_data(cache: Path, write: Any) -> None:
    """Put new month's data in cache/data in one step (a reader never sees half of it).

    `write(folder)` fills a new folder. The charts drawn from the month it replaces go.
    """
    cache.mkdir(parents=True, exist_ok=True)
    fresh = cache / f".data-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    write(fresh)
    old = cache / f".old-data-{os.getpid()}"
    if (cache / "data").exists():
        (cache / "data").rename(old)
    fresh.rename(cache / "data")
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(cache / CHARTS, ignore_errors=True)


def open_month(
    pack_dir: Path | str | None = None,
    project_dir: Path | str | None = None,
    period: str | None = None,
) -> MonthAnalysis:
    """The month a chapter reads (report.load).

    In a build (or a preview) `pack_dir` holds the month's data and is read as it is. Opened by
    hand, with no parameters, it is the latest month built in output/ or else the latest in the
    store (`period` chooses another), as the pack would show it now.
    """
    if pack_dir is not None and (Path(pack_dir) / "data" / "month.yml").exists():
        return read_month(pack_dir, project_dir)
    if pack_dir not in (None, "."):
        raise MonthUnavailable(
            f"{pack_dir} holds no month's data (data/month.yml): give the folder of a built "
            "pack, or leave pack_dir as None for the latest month."
        )
    root = Path(project_dir) if project_dir else paths.project_root()
    month = str(parse_period(period)) if period else latest_month(root)
    folder = month_folder(root, month, on_note=print)
    return read_month(folder, root)
