"""Project files: replaced whole or not at all (selections, catalogue flags, _quarto.yml), hashed,
and read as YAML.

Each new text is written to a temporary file beside its target first and only then moved over
it, so an interrupted edit never leaves a half-written file that the next build would trip on.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any


def replace_files(texts: dict[Path, str]) -> None:
    """Write every text to a temporary file first, then move each over its target."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """One file, replaced whole."""
    replace_files({path: text})


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_hash(folder: Path, pattern: str = "**/*", skip: tuple[str, ...] = ()) -> str:
    """One sha256 over the relative names and contents of the files under `folder`.

    Hidden files and folders (an editor's `.ipynb_checkpoints`), caches and the folders named
    in `skip` are left out: none of them changes what is built from the folder.
    """
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
            parts = path.relative_to(folder).parts
            if path.suffix == ".pyc" or any(
                part.startswith(".") or part == "__pycache__" or part in skip for part in parts
            ):
                continue
            digest.update("/".join(parts).encode())
            digest.update(file_hash(path).encode())
    return digest.hexdigest()


def _yaml_loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Safe YAML, read with libyaml's C parser where PyYAML has it (the pure-Python one took a
    quarter of a second for the project's files, every `tracker build`)."""
    import yaml

    return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader


def compose_yaml(text: str) -> Any:
    """The YAML's node tree (with line numbers), from the same safe parser as load_yaml."""
    import yaml

    return yaml.compose(text, Loader=_yaml_loader())
