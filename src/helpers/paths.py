"""Where things live: one place, so notebooks, the CLI and tests agree.

The project root is found from the environment (TRACKER_HOME) or by walking up from the
current folder to the one holding `_quarto.yml` and `data/measures.yml`; an installed
package never guesses a path inside site-packages.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    """The Vision Tracker project folder (holds _quarto.yml, data/, notebooks/)."""
    env = os.environ.get("TRACKER_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_quarto.yml").exists() and (folder / "data").is_dir():
            return folder
    # Fall back to the source checkout this package was installed from (editable installs).
    source = Path(__file__).resolve().parents[2]
    if (source / "_quarto.yml").exists():
        return source
    raise FileNotFoundError(
        "Cannot find the Vision Tracker project folder (one holding _quarto.yml and data/). "
        "Run the command from inside the project, or set TRACKER_HOME to its path."
    )


def data_dir(root: Path | None = None) -> Path:
    """The data folder: catalogue, themes, benchmarks, extracts and the store."""
    return (root or project_root()) / "data"


def catalogue_path(root: Path | None = None) -> Path:
    return data_dir(root) / "measures.yml"


def themes_path(root: Path | None = None) -> Path:
    return data_dir(root) / "themes.yml"


def benchmarks_path(root: Path | None = None) -> Path:
    return data_dir(root) / "benchmarks.csv"


def extracts_dir(root: Path | None = None) -> Path:
    return data_dir(root) / "extracts"


def store_path(root: Path | None = None) -> Path:
    """The store file: --store beats TRACKER_STORE beats data/tracker.duckdb."""
    env = os.environ.get("TRACKER_STORE")
    if env:
        return Path(env).resolve()
    return data_dir(root) / "tracker.duckdb"


def output_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "output"
