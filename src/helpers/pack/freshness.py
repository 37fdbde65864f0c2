"""Whether a month's published pack is already what a build would make now.

One hash (the build key) covers everything the pack is made from: the store's figures for the
month and every month before it (with their revisions), the list of files loaded, every file
the pack reads from data/ (catalogue, themes, selections, benchmarks, process changes...), the
chapter notebooks and their assets, `_quarto.yml`, the Typst template, the project's code and
version, and the Quarto version. The manifest records the key and its parts, so a rebuild of an
unchanged month can stop at once, and a changed one says what changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from helpers.analysis.workspace import statistics_parts
from helpers.files import file_hash, tree_hash
from helpers.inputs.store import Store

#: Folders under notebooks/ that a chapter opened by hand writes (its charts): not inputs.
NOT_INPUTS = ("figures",)


def key_parts(
    root: Path,
    store: Store,
    period: str,
    quarto_version: str | None,
    extra: dict | None = None,
    as_of: object = None,
) -> dict[str, Any]:
    """The hash of each input of the month's pack (what the build key is made of).

    as_of: the figures and loads as they stood then (an as-published or as-of build).
    """
    quarto_yml = root / "_quarto.yml"
    parts: dict[str, Any] = statistics_parts(root, store, period, as_of)
    parts.update(
        {
            "notebooks": tree_hash(root / "notebooks", skip=NOT_INPUTS),
            "quarto_yml": file_hash(quarto_yml) if quarto_yml.exists() else None,
            "extensions": tree_hash(root / "_extensions"),
            "quarto": quarto_version,
        }
    )
    parts.update(extra or {})
    return parts


def build_key(parts: dict[str, Any]) -> str:
    """The one hash that decides whether the month needs building again."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def published_key(pack: Path) -> tuple[str | None, dict[str, Any]]:
    """The build key and its parts recorded in a published pack's manifest (None if none)."""
    manifest = pack / "manifest.json"
    if not manifest.exists():
        return None, {}
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    freshness = content.get("freshness") or {}
    return freshness.get("build_key"), freshness.get("parts") or {}


def changed_parts(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Which inputs differ between two sets of parts (data files by name)."""
    changed = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if name == "data_files" and isinstance(a, dict) and isinstance(b, dict):
            changed += [f"data/{f}" for f in sorted(set(a) | set(b)) if a.get(f) != b.get(f)]
        elif a != b:
            changed.append(name)
    return changed
