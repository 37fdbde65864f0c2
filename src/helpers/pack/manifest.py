"""manifest.json: what a pack holds and exactly what it was built from.

A reader (or an auditor) can tell from the manifest which files were produced and in which role,
which inputs (by content hash) and which package versions made them, and how long each stage took.
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.files import file_hash

PACKAGES = (
    "vision-tracker",
    "pandas",
    "numpy",
    "statsmodels",
    "scipy",
    "matplotlib",
    "seaborn",
    "afcharts",
    "duckdb",
    "papermill",
    "ipykernel",
    "nbformat",
)
CONFIG_FILES = (
    "measures.yml",
    "themes.yml",
    "benchmarks.csv",
    "benchmark_sources.csv",
    "council.yml",
    "authorities.csv",
    "process_changes.yml",
    "selections.yml",
    "tracker_sets.yml",
    "council_plan.csv",
)


def input_hashes(root: Path, store: Any, as_of: object = None) -> dict[str, Any]:
    """Hashes of the configuration files and of every extract loaded into the store (by as_of)."""
    data = paths.data_dir(root)
    config = {name: file_hash(data / name) for name in CONFIG_FILES if (data / name).exists()}
    loads = store.loads(as_of)
    extracts = [
        {"file": row.file_name, "sha256": row.content_hash, "loaded_at": str(row.loaded_at)}
        for row in loads.itertuples()
    ]
    return {"config": config, "extracts": extracts, "quarto_yml": file_hash(root / "_quarto.yml")}


def published_as_of(folder: Path) -> str:
    """The time a published pack's figures were loaded up to (for an as-published rebuild)."""
    path = folder / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(
            f"No published pack to match: {path} does not exist. Build the month first, or give "
            "the time with --as-of YYYY-MM-DDTHH:MM:SS (UTC)."
        )
    content = json.loads(path.read_text(encoding="utf-8"))
    up_to = (content.get("figures") or {}).get("loaded_up_to")
    if not up_to:
        raise FileNotFoundError(
            f"{path} does not record the time its figures were loaded up to (it was built before "
            "packs recorded it). Give the time with --as-of YYYY-MM-DDTHH:MM:SS (UTC); its "
            f"built_at was {content.get('built_at')}."
        )
    return str(up_to)


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the pack."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def write_manifest(
    folder: Path,
    *,
    period: str,
    files: dict[str, Any],
    parameters: dict[str, Any],
    inputs: dict[str, Any],
    stages: dict[str, float],
    quarto_version: str | None,
    quarto_message: str | None,
    freshness: dict[str, Any] | None = None,
    figures: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write folder/manifest.json and return its content.

    figures: which figures were used: {"kind": "latest" | "as-published" | "as-of",
    "loaded_up_to": the UTC time of the last load used, "as_of": the time asked for}.
    """
    content = {
        "period": period,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "figures": figures or {"kind": "latest"},
        "files": files,
        "parameters": parameters,
        "inputs": inputs,
        "versions": {**package_versions(), "quarto": quarto_version},
        "rendered": quarto_version is not None and "html" in files,
        "quarto_message": quarto_message,
        "stage_seconds": stages,
        "python_executable": sys.executable,
        # The one hash that decides whether a rebuild is needed, and what went into it.
        "freshness": freshness or {},
    }
    (folder / "manifest.json").write_text(json.dumps(content, indent=2), encoding="utf-8")
    return content
