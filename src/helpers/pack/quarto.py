"""Finding and running the real Quarto program.

Quarto is an external program (1.9 or newer renders a book to PDF through Typst). It is looked
for in QUARTO_PATH, then on PATH. Nothing here imitates it: when it is missing or too old the
caller gets a QuartoUnavailable with the reason and how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers.pack.priority import lowered

MINIMUM_VERSION = (1, 9)
INSTALL_HINT = (
    "Install Quarto 1.9 or newer: `pip install quarto-cli` on a connected machine, or the "
    "installer from quarto.org; then make sure `quarto` is on PATH or set QUARTO_PATH to the "
    "program."
)


class QuartoUnavailable(RuntimeError):
    """Quarto is missing or too old; the message says what to do."""


class QuartoFailed(RuntimeError):
    """Quarto ran and failed; the message carries the end of its output."""


@dataclass(frozen=True)
class Quarto:
    """A located Quarto program and its version."""

    path: str
    version: str

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.version)


def parse_version(text: str) -> tuple[int, ...]:
    """'1.10.18' -> (1, 10, 18); anything unreadable -> ()."""
    match = re.search(r"(\d+(?:\.\d+)+)", text)
    return tuple(int(p) for p in match.group(1).split(".")) if match else ()


def locate() -> str | None:
    """The quarto program from QUARTO_PATH, PATH, or this environment's bin (pip's quarto-cli)."""
    env = os.environ.get("QUARTO_PATH")
    if env:
        candidate = Path(env)
        if candidate.is_dir():
            candidate = candidate / "quarto"
        return str(candidate) if candidate.exists() else None
    beside = Path(sys.executable).with_name("quarto")
    return shutil.which("quarto") or (str(beside) if beside.exists() else None)


def find_quarto() -> Quarto:
    """Locate Quarto and check it is new enough to render a book to Typst."""
    path = locate()
    if path is None:
        where = (
            f"QUARTO_PATH={os.environ['QUARTO_PATH']}" if os.environ.get("QUARTO_PATH") else "PATH"
        )
        raise QuartoUnavailable(f"Quarto was not found on {where}. {INSTALL_HINT}")
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise QuartoUnavailable(f"Quarto at {path} did not run ({exc}). {INSTALL_HINT}") from None
    version = out.stdout.strip()
    if parse_version(version)[:2] < MINIMUM_VERSION:
        raise QuartoUnavailable(
            f"Quarto at {path} is version {version or 'unknown'}; the pack needs 1.9 or newer "
            f"(books render to PDF through Typst from 1.9). {INSTALL_HINT}"
        )
    return Quarto(path=path, version=version)


@dataclass
class RenderRun:
    """A `quarto render` of one book folder, started and not yet waited for."""

    cmd: list[str]
    handle: subprocess.Popen


def start_render(quarto: Quarto, project_dir: Path, background: bool = False) -> RenderRun:
    """Start rendering a book folder to the formats in its _quarto.yml, never executing.

    `background`: at a lower priority, so a render running beside it keeps its core.
    """
    cmd = [quarto.path, "render", str(project_dir), "--no-execute"]
    handle = subprocess.Popen(
        lowered(cmd) if background else cmd,
        cwd=project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return RenderRun(cmd, handle)


def finish_renders(runs: list[RenderRun], log_path: Path | None = None) -> None:
    """Wait for every render, log what each printed, and fail if any failed."""
    failures = []
    for run in runs:
        stdout, stderr = run.handle.communicate()
        if log_path is not None:
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"$ {' '.join(run.cmd)}\n{stdout}\n{stderr}\n")
        if run.handle.returncode != 0:
            lines = (stderr or stdout).strip().splitlines()
            errors = [x for x in lines if "ERROR" in x or "Error" in x or "error:" in x][:10]
            tail = "\n".join([*errors, "...", *lines[-15:]])
            failures.append(f"{run.cmd[2]} (exit {run.handle.returncode}):\n{tail}")
    if failures:
        raise QuartoFailed("quarto render failed: " + "\n\n".join(failures))


def render_page(
    quarto: Quarto,
    markdown: str,
    pdf_path: Path,
    log_path: Path | None = None,
    background: bool = False,
) -> None:
    """Render one stand-alone Markdown page (with its own front matter) to a Typst PDF.

    `background`: at a lower priority (helpers.pack.priority).
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.qmd"
        page.write_text(markdown, encoding="utf-8")
        cmd = [quarto.path, "render", str(page), "--to", "typst", "--no-execute"]
        launched = lowered(cmd) if background else cmd
        result = subprocess.run(launched, capture_output=True, text=True, cwd=folder)
        if log_path is not None:
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"$ {' '.join(cmd)}\n{result.stdout}\n{result.stderr}\n")
        made = Path(folder) / "page.pdf"
        if result.returncode != 0 or not made.exists():
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-25:])
            raise QuartoFailed(
                f"quarto render of a page failed (exit {result.returncode}):\n{tail}"
            )
        shutil.copy2(made, pdf_path)
