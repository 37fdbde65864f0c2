"""Work that runs beside the HTML render, at a lower priority so the render keeps its core.

The HTML book is the build's longest step; the charts, the members' PDF, the clinic briefing
and the chapters' kernels (which start beside the statistics) take only what it leaves.
"""

from __future__ import annotations

import os
import shutil

#: The `nice` value of that work (POSIX; where there is no `nice` it runs as usual).
NICENESS = 10


def lowered(cmd: list[str]) -> list[str]:
    """The command at the lower priority (through `nice`, where that exists)."""
    nice = shutil.which("nice")
    return [nice, "-n", str(NICENESS), *cmd] if nice else cmd


def lower_this_process() -> None:
    """Lower this process's own priority (for worker processes)."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
