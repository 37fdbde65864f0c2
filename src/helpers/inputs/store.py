"""The store: every figure ever loaded, with its revisions, in one DuckDB file.

Why it looks like this:
- History is never overwritten. Loading a month again with different figures adds revision
  n+1 and keeps the old one, so members can be told what was revised and when.
- Loading is idempotent. The same file (same sha256) is skipped; the same figures arriving
  again in another file (a rolling 12-month workforce sheet) add nothing.
- All or nothing. Every file is validated first; one invalid file and nothing is written.
  The writes of one call happen in a single DuckDB transaction under an exclusive file lock
  ('<store>.lock'), so two loads at once queue rather than corrupt anything.
- Readers open the file read-only and briefly, so notebooks never block a load for long.

Periods are kept as 'YYYY-MM' text; `observations()` adds a `date` column (first of month).
`loaded_at` is UTC (stored without a time zone).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import math
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from helpers import paths
from helpers.inputs.catalogue import Catalogue
from helpers.inputs.problems import Problem
from helpers.inputs.validation import CheckedFile, check_paths
from helpers.periods import format_period

DEFAULT_LOCK_TIMEOUT = 120.0
#: The columns of the observations table, in order.
STORED_COLUMNS = [
    "measure_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "revision",
    "load_id",
    "source_row",
]
SCHEMA = """
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    rows INTEGER NOT NULL,
    new_rows INTEGER NOT NULL,
    revised_rows INTEGER NOT NULL,
    unchanged_rows INTEGER NOT NULL,
    periods VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    measure_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value DOUBLE,
    numerator DOUBLE,
    denominator DOUBLE,
    revision INTEGER NOT NULL,
    load_id INTEGER NOT NULL,
    source_row INTEGER,
    PRIMARY KEY (measure_id, period, revision)
);
CREATE OR REPLACE VIEW latest AS
    SELECT * FROM observations
    QUALIFY row_number() OVER (PARTITION BY measure_id, period ORDER BY revision DESC) = 1;
"""
OBSERVATION_COLUMNS = [
    "measure_id",
    "period",
    "date",
    "value",
    "numerator",
    "denominator",
    "revision",
    "load_id",
]
REVISION_COLUMNS = [
    "measure_id",
    "period",
    "old_value",
    "new_value",
    "old_numerator",
    "new_numerator",
    "old_denominator",
    "new_denominator",
    "revision",
    "load_id",
    "file_name",
    "loaded_at",
]
LOAD_COLUMNS = [
    "load_id",
    "file_name",
    "file_path",
    "content_hash",
    "loaded_at",
    "rows",
    "new_rows",
    "revised_rows",
    "unchanged_rows",
    "periods",
]


class LoadError(Exception):
    """Invalid input: nothing was loaded. `problems` holds every error and warning found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        files = len({p.file for p in errors})
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            f"Nothing was loaded: {len(errors)} error(s) in {files} file(s).\n{shown}{more}"
        )


class StoreBusy(RuntimeError):
    """Another process kept the store locked for longer than the timeout."""


@dataclass
class FileLoad:
    """What one file did to the store."""

    path: str
    file_name: str
    content_hash: str
    status: str  # "loaded" or "already loaded"
    load_id: int | None = None
    rows: int = 0
    new_rows: int = 0
    revised_rows: int = 0
    unchanged_rows: int = 0
    periods: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """The outcome of one `Store.load` call."""

    store: Path
    files: list[FileLoad] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def _total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def loaded(self) -> list[FileLoad]:
        return [f for f in self.files if f.status == "loaded"]

    @property
    def skipped(self) -> list[FileLoad]:
        return [f for f in self.files if f.status != "loaded"]

    @property
    def rows(self) -> int:
        return self._total("rows")

    @property
    def new_rows(self) -> int:
        return self._total("new_rows")

    @property
    def revised_rows(self) -> int:
        return self._total("revised_rows")

    @property
    def unchanged_rows(self) -> int:
        return self._total("unchanged_rows")

    def summary(self) -> str:
        """One line for people: files, rows new/revised/unchanged, files skipped."""
        return (
            f"{len(self.loaded)} file(s) loaded into {self.store}: {self.new_rows} new, "
            f"{self.revised_rows} revised, {self.unchanged_rows} unchanged row(s); "
            f"{len(self.skipped)} file(s) skipped as already loaded."
        )


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value: object) -> float | None:
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))


def is_unchanged(old: tuple[float | None, ...], new: tuple[float | None, ...]) -> bool:
    """Whether new figures (value, numerator, denominator) repeat the stored ones.

    A blank numerator or denominator in the new figures is not a change: a sheet that gives
    values only compares on the value.
    """
    if not _same(old[0], new[0]):
        return False
    return all(n is None or _same(o, n) for o, n in zip(old[1:], new[1:], strict=True))


def _stored_path(path: Path) -> str:
    """Paths inside the project are kept relative to it, so manifests travel with the repo."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(paths.project_root()))
    except (ValueError, FileNotFoundError):
        return str(resolved)


def utc_naive(when: object) -> dt.datetime:
    """A time as the store keeps it: UTC without a zone (a time with no zone is taken as UTC)."""
    stamp = pd.Timestamp(when)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime()


def _as_of_source(as_of: object) -> tuple[str, list[Any]]:
    """The rows to read from: the latest figures, or the latest loaded by `as_of`."""
    if as_of is None:
        return "latest", []
    return (
        "(SELECT o.* FROM observations o JOIN loads l USING (load_id) WHERE l.loaded_at <= ? "
        "QUALIFY row_number() OVER (PARTITION BY o.measure_id, o.period "
        "ORDER BY o.revision DESC) = 1)",
        [utc_naive(as_of)],
    )


def _empty_observations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": pd.Series(dtype=object),
            "period": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            **{c: pd.Series(dtype="float64") for c in ("value", "numerator", "denominator")},
            "revision": pd.Series(dtype="int64"),
            "load_id": pd.Series(dtype="int64"),
        }
    )


class Store:
    """The DuckDB store of observations and loads.

    Use as `with Store() as store:`; connections are opened per call, so a Store object is
    cheap and holds no lock between calls.
    """

    def __init__(self, path: Path | str | None = None, lock_timeout: float | None = None):
        self.path = Path(path) if path else paths.store_path()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        env_timeout = os.environ.get("TRACKER_LOCK_TIMEOUT")
        self.lock_timeout = float(
            lock_timeout if lock_timeout is not None else env_timeout or DEFAULT_LOCK_TIMEOUT
        )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between calls; kept for the context-manager protocol."""

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ---------------------------------------------------------------- connections
    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while another process holds DuckDB's own file lock."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise StoreBusy(
                        f"Cannot open the store {self.path}: {exc}. If another load or notebook "
                        "is using it, wait for it to finish and try again."
                    ) from None
                time.sleep(0.05)

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Exclusive lock on '<store>.lock' for the whole write; waits up to lock_timeout."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as handle:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(
                            f"Another load has been writing to {self.path} for over "
                            f"{self.lock_timeout:.0f} s (lock file {self.lock_path}). Wait for it "
                            "to finish and run the load again; nothing was loaded."
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection, or None when the store has no data yet."""
        if not self.path.exists():
            yield None
            return
        con = self._connect(read_only=True)
        try:
            tables = {
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
            yield con if {"loads", "observations"} <= tables else None
        finally:
            con.close()

    def _query(self, sql: str, params: list[Any], columns: list[str]) -> pd.DataFrame:
        with self._reader() as con:
            if con is None:
                return pd.DataFrame(columns=columns)
            return con.execute(sql, params).df()

    # ---------------------------------------------------------------- loading
    def load(
        self,
        paths_: Iterable[Path | str] | Path | str,
        catalogue: Catalogue | Path | str | None = None,
        today: dt.date | None = None,
    ) -> LoadReport:
        """Validate then load extracts (files or folders, in period order), all or nothing.

        Raises LoadError with every problem when any file has an error; nothing is written.
        """
        if isinstance(paths_, str | Path):
            paths_ = [paths_]
        checked = check_paths(paths_, catalogue, today)
        problems = [p for c in checked for p in c.problems]
        if any(p.is_error for p in problems) or not all(c.ok for c in checked):
            raise LoadError(problems)
        report = LoadReport(self.path, warnings=problems)
        if not checked:
            return report
        with self._write_lock():
            con = self._connect(read_only=False)
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute(SCHEMA)
                report.files = self._write(con, checked)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                con.close()
        return report

    def _write(self, con: duckdb.DuckDBPyConnection, checked: list[CheckedFile]) -> list[FileLoad]:
        hashes = {r[0] for r in con.execute("SELECT content_hash FROM loads").fetchall()}
        latest: dict[tuple[str, str], tuple[tuple[float | None, ...], int]] = {}
        for m, p, v, n, d, rev in con.execute(
            "SELECT measure_id, period, value, numerator, denominator, revision FROM latest"
        ).fetchall():
            latest[(m, p)] = ((_num(v), _num(n), _num(d)), rev)
        next_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        results: list[FileLoad] = []
        new_rows: list[tuple[Any, ...]] = []
        load_rows: list[tuple[Any, ...]] = []
        for item in checked:
            extract = item.extract
            assert extract is not None  # checked.ok guaranteed by load()
            stored_path = _stored_path(extract.path)
            result = FileLoad(
                stored_path, extract.path.name, extract.content_hash, "already loaded"
            )
            results.append(result)
            if extract.content_hash in hashes:
                continue
            hashes.add(extract.content_hash)
            result.status, result.load_id, result.periods = "loaded", next_id, extract.periods
            frame = extract.frame
            for m, p, v, n, d, row in zip(
                frame["measure_id"],
                frame["period"],
                frame["value"],
                frame["numerator"],
                frame["denominator"],
                frame["row"],
                strict=True,
            ):
                figures = (_num(v), _num(n), _num(d))
                result.rows += 1
                before = latest.get((m, p))
                if before is None:
                    revision = 1
                    result.new_rows += 1
                elif is_unchanged(before[0], figures):
                    result.unchanged_rows += 1
                    continue
                else:
                    revision = before[1] + 1
                    result.revised_rows += 1
                latest[(m, p)] = (figures, revision)
                new_rows.append((m, p, *figures, revision, next_id, int(row)))
            load_rows.append(
                (
                    next_id,
                    result.file_name,
                    stored_path,
                    extract.content_hash,
                    now,
                    result.rows,
                    result.new_rows,
                    result.revised_rows,
                    result.unchanged_rows,
                    ",".join(result.periods),
                )
            )
            next_id += 1
        if load_rows:
            con.executemany("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", load_rows)
        if new_rows:
            frame = pd.DataFrame(
                new_rows,
                columns=STORED_COLUMNS,
            )
            con.register("incoming", frame)
            con.execute("INSERT INTO observations SELECT * FROM incoming")
            con.unregister("incoming")
        return results

    # ---------------------------------------------------------------- reading
    def observations(
        self,
        measures: Iterable[str] | str | None = None,
        until: object = None,
        as_of: object = None,
    ) -> pd.DataFrame:
        """The latest figure for every measure and month (optionally some measures, up to a month).

        as_of: the figures as they stood at that UTC time (only loads made by then), so a pack
        can be rebuilt exactly as it was published. Columns: measure_id, period ('YYYY-MM'
        text), date (first of the month), value, numerator, denominator, revision, load_id;
        sorted by measure then period.
        """
        source, params = _as_of_source(as_of)
        where: list[str] = []
        if measures is not None:
            ids = [measures] if isinstance(measures, str) else list(measures)
            if not ids:
                return pd.DataFrame(columns=OBSERVATION_COLUMNS)
            where.append(f"measure_id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
        if until is not None:
            where.append("period <= ?")
            params.append(format_period(until))
        sql = (
            "SELECT measure_id, period, value, numerator, denominator, revision, load_id "
            f"FROM {source} {'WHERE ' + ' AND '.join(where) if where else ''} "
            "ORDER BY measure_id, period"
        )
        frame = self._query(sql, params, OBSERVATION_COLUMNS)
        if frame.empty:
            return _empty_observations()
        frame.insert(2, "date", pd.to_datetime(frame["period"] + "-01"))
        return frame.reset_index(drop=True)

    def latest_period(self) -> str | None:
        """The most recent month with any figure, as 'YYYY-MM', or None for an empty store."""
        with self._reader() as con:
            if con is None:
                return None
            return con.execute("SELECT max(period) FROM observations").fetchone()[0]

    def revisions(
        self, since_load: int | None = None, since: object = None, as_of: object = None
    ) -> pd.DataFrame:
        """Every revised figure with the value it replaced, the file and when.

        since_load: only revisions made by that load or later ones (load_id >= since_load);
        since: only loads at or after that UTC time (a date, datetime or ISO text);
        as_of: only loads made by that UTC time.
        """
        where, params = ["n.revision > 1"], []
        if as_of is not None:
            where.append("l.loaded_at <= ?")
            params.append(utc_naive(as_of))
        if since_load is not None:
            where.append("n.load_id >= ?")
            params.append(int(since_load))
        if since is not None:
            where.append("l.loaded_at >= ?")
            stamp = pd.Timestamp(since)
            if stamp.tzinfo is not None:  # loaded_at is UTC without a zone
                stamp = stamp.tz_convert("UTC").tz_localize(None)
            params.append(stamp.to_pydatetime())
        sql = f"""
            SELECT n.measure_id, n.period, o.value AS old_value, n.value AS new_value,
                   o.numerator AS old_numerator, n.numerator AS new_numerator,
                   o.denominator AS old_denominator, n.denominator AS new_denominator,
                   n.revision, n.load_id, l.file_name, l.loaded_at
            FROM observations n
            JOIN observations o ON o.measure_id = n.measure_id AND o.period = n.period
                                AND o.revision = n.revision - 1
            JOIN loads l ON l.load_id = n.load_id
            WHERE {" AND ".join(where)}
            ORDER BY n.load_id, n.measure_id, n.period
        """
        return self._query(sql, params, REVISION_COLUMNS)

    def history(self, measure_id: str) -> pd.DataFrame:
        """Every stored version of one measure's figures (for explaining a revision)."""
        return self._query(
            "SELECT o.*, l.file_name, l.loaded_at FROM observations o JOIN loads l USING (load_id) "
            "WHERE measure_id = ? ORDER BY period, revision",
            [measure_id],
            [*STORED_COLUMNS, "file_name", "loaded_at"],
        )

    def loads(self, as_of: object = None) -> pd.DataFrame:
        """One row per file loaded (by `as_of`, a UTC time, when given), oldest first."""
        where, params = (
            ("WHERE loaded_at <= ?", [utc_naive(as_of)]) if as_of is not None else ("", [])
        )
        return self._query(
            f"SELECT {', '.join(LOAD_COLUMNS)} FROM loads {where} ORDER BY load_id",
            params,
            LOAD_COLUMNS,
        )

    def last_loaded_at(self, as_of: object = None) -> dt.datetime | None:
        """When the latest load (by `as_of`, when given) was made: the figures' as-of time."""
        frame = self.loads(as_of)
        return None if frame.empty else pd.Timestamp(frame["loaded_at"].max()).to_pydatetime()

    def input_hashes(self) -> dict[str, str]:
        """sha256 of every file loaded, keyed by its path (the latest load of a path wins)."""
        frame = self.loads()
        return dict(zip(frame["file_path"], frame["content_hash"], strict=True))

    def counts(self) -> dict[str, int]:
        """Row counts of the tables (for checks that nothing changed)."""
        with self._reader() as con:
            if con is None:
                return {"loads": 0, "observations": 0}
            return {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("loads", "observations")
            }
