"""Run one chapter notebook with papermill and make it ready for Quarto.

The kernel is the project's own Python (the `python3` kernel that ipykernel installs in the
environment). After a run, the injected-parameters cell is tagged `remove-cell` so Quarto drops
it from the HTML and the PDF. A failing cell stops the build and is reported with its source.
Chapters run in kernels that are started once per worker and reused (ChapterKernels).
"""

from __future__ import annotations

import asyncio
import queue
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

from helpers.pack.priority import lowered

KERNEL = "python3"
HIDDEN_TAGS = ("injected-parameters", "parameters")


class NotebookError(RuntimeError):
    """A chapter notebook failed; str() names the chapter, the cell and the error."""

    def __init__(
        self,
        chapter: Path,
        cell_index: int | None,
        error: str,
        code: str,
        notebook: Path | None = None,
    ) -> None:
        self.chapter = chapter
        self.cell_index = cell_index
        where = f"cell {cell_index}" if cell_index is not None else "a cell"
        origin = f" (from {notebook.parent.name}/{notebook.name})" if notebook else ""
        snippet = "\n".join("    " + line for line in code.strip().splitlines()[:12])
        super().__init__(f"Chapter {chapter.name}{origin} failed in {where}: {error}\n{snippet}")


def hide_parameter_cells(path: Path, title: str | None = None) -> None:
    """Tag papermill's parameter cells `remove-cell`, drop widget state Quarto would fetch, and
    put the chapter title first where one shared notebook makes several chapters."""
    nb = nbformat.read(path, as_version=4)
    if title:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}"))
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if any(t in tags for t in HIDDEN_TAGS) and "remove-cell" not in tags:
            tags.append("remove-cell")
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def _first_error(path: Path) -> tuple[int | None, str, str]:
    """The failing cell as the analyst sees it in the source notebook (1-based), its error and code.

    Papermill adds its parameters cell and a banner cell to the executed copy; neither counts.
    """
    nb = nbformat.read(path, as_version=4)
    number = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return number, f"{out.get('ename')}: {out.get('evalue')}", cell.source
    return None, "unknown error", ""


#: Extra arguments for every kernel: it logs a TCP warning on start and an interrupt on shutdown;
#: cell errors are still caught from the notebook itself.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
#: What every chapter imports first: a kernel for the chapters imports it as it starts.
WARM_UP = ("import pandas", "import helpers.report")
#: Run silently before each chapter in a reused kernel: what a new kernel would give it.
_FRESH_START = """
get_ipython().reset(new_session=True)
__import__("os").chdir({cwd!r})
"""


class _ChapterClient(AsyncKernelClient):
    """A kernel client for the chapters: quicker to declare the kernel ready, and closed after.

    jupyter_client's wait_for_ready ends by waiting until IOPub has been quiet for 0.2 s, to
    drop the status messages of its own kernel_info requests. nbclient (and _run_quietly) match
    every message to the request it answers, so those leftovers are ignored anyway; here the
    kernel is ready once a kernel_info reply and an IOPub message (so IOPub is connected and no
    output can be missed) have both arrived. nbclient leaves the channels of a kernel it did not
    start open, so the manager remembers its clients and ChapterKernels closes them.
    """

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        super().start_channels(*args, **kwargs)
        opened = getattr(self.parent, "chapter_clients", None)
        if opened is not None:
            opened.append(self)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60.0 if timeout is None else timeout)
        while True:
            reply = await self.reply_to(self.kernel_info(), timeout=1.0)
            if reply is not None:
                try:
                    await self.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("the kernel died before it replied")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the kernel did not reply within {timeout} s")

    async def reply_to(self, msg_id: str, timeout: float) -> dict[str, Any] | None:
        """The shell reply to the request `msg_id`, or None if none came within `timeout`."""
        until = time.monotonic() + timeout
        while (left := until - time.monotonic()) > 0:
            try:
                reply = await self.get_shell_msg(timeout=left)
            except queue.Empty:
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        return None


class ChapterKernels:
    """Kernels for the chapters, reused from chapter to chapter.

    A new kernel costs about a second before a chapter's first cell runs (the process starts,
    then imports pandas and the helpers), paid twelve times a month. Here one kernel per worker
    serves chapter after chapter: before each, it is wiped as IPython does for a new session
    (every name deleted, the cell counter back to 1) and put back in the pack folder. A chapter
    therefore sees what a new kernel would show it, except that the modules it imports are
    already loaded. A kernel that died is replaced. start_early starts the kernels while the
    build is still working out the month's statistics, at a lower priority, importing what the
    chapters use as they start. With `fresh`, every chapter gets a new kernel of its own, as
    papermill does by default (`tracker build --fresh-kernels`).
    """

    def __init__(self, cwd: Path, fresh: bool = False, startup_timeout: float = 60) -> None:
        self.cwd = str(Path(cwd).resolve())
        self.fresh = fresh
        self.startup_timeout = startup_timeout
        self._idle: list[AsyncKernelManager] = []
        self._all: list[AsyncKernelManager] = []
        self._lock = threading.Lock()
        self.started = 0  # kernels started, for the build log

    def __enter__(self) -> ChapterKernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_early(self, count: int) -> None:
        """Start `count` kernels now, to be ready when the chapters run.

        This returns at once: each kernel boots, and imports what every chapter imports, in its
        own process, on what the two cores have to spare.
        """
        if self.fresh:
            return
        for _ in range(count):
            km = self._new_kernel()
            with self._lock:
                self._idle.append(km)

    def _new_kernel(self) -> AsyncKernelManager:
        km = AsyncKernelManager(kernel_name=KERNEL, client_class=f"{__name__}._ChapterClient")
        km.chapter_clients = []
        spec = km.kernel_spec
        if spec.argv:
            # jupyter_client runs "python" as this environment's Python; behind `nice` it
            # would not see the name, so the program is named here.
            program = spec.argv[0]
            if Path(program).name in {"python", "python3", f"python3.{sys.version_info[1]}"}:
                program = sys.executable
            spec.argv = lowered([program, *spec.argv[1:]])
        warm = [f"--IPKernelApp.exec_lines={line}" for line in WARM_UP]
        asyncio.run(km.start_kernel(cwd=self.cwd, extra_arguments=[*KERNEL_ARGUMENTS, *warm]))
        with self._lock:
            self._all.append(km)
            self.started += 1
        return km

    def for_chapter(self) -> AsyncKernelManager | None:
        """A kernel for one chapter, wiped and ready (None: papermill starts one of its own).

        Give it back with release() when the chapter is done.
        """
        if self.fresh:
            return None
        with self._lock:
            km = self._idle.pop() if self._idle else None
        if km is not None and not asyncio.run(km.is_alive()):
            self._stop(km)
            km = None
        if km is None:
            km = self._new_kernel()
        asyncio.run(self._run_quietly(km, _FRESH_START.format(cwd=self.cwd)))
        return km

    def release(self, km: AsyncKernelManager | None) -> None:
        """The chapter is done: its kernel can serve the next one."""
        self.chapter_done(km)
        if km is not None and not self.fresh:
            with self._lock:
                self._idle.append(km)

    async def _run_quietly(self, km: AsyncKernelManager, code: str) -> None:
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.startup_timeout)
            msg_id = kc.execute(code, silent=True, store_history=False)
            reply = await kc.reply_to(msg_id, timeout=self.startup_timeout)
            if reply is None or reply["content"]["status"] != "ok":
                content = reply["content"] if reply else {"ename": "no reply", "evalue": ""}
                raise RuntimeError(
                    f"the kernel could not be reset: {content.get('ename')}: "
                    f"{content.get('evalue')}"
                )
        finally:
            kc.stop_channels()
            km.chapter_clients.remove(kc)

    @staticmethod
    def chapter_done(km: AsyncKernelManager | None) -> None:
        """Close the channels the chapter's run opened (the kernel itself stays for the next)."""
        for client in getattr(km, "chapter_clients", []):
            client.stop_channels()
        if km is not None:
            km.chapter_clients = []

    def _stop(self, km: AsyncKernelManager) -> None:
        self.chapter_done(km)
        with self._lock:
            if km in self._idle:
                self._idle.remove(km)
            if km in self._all:
                self._all.remove(km)
        asyncio.run(km.shutdown_kernel(now=True))

    def close(self) -> None:
        """Stop every kernel at once (the chapters are saved: nothing is waiting on them)."""
        with self._lock:
            kernels = list(self._all)
        for km in kernels:
            self._stop(km)


def run_notebook(
    source: Path,
    target: Path,
    parameters: dict[str, Any],
    cwd: Path,
    title: str | None = None,
    kernels: ChapterKernels | None = None,
) -> float:
    """Execute source into target with the parameters; returns seconds taken.

    With `kernels`, the chapter runs in its worker's reused kernel; otherwise in a new one.
    """
    started = time.perf_counter()
    km = None
    try:
        km = kernels.for_chapter() if kernels is not None else None
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL,
            # The kernel starts in cwd. Papermill's own cwd= would os.chdir this whole process,
            # which races when chapters run in parallel threads (a kernel could start in another
            # chapter's folder or the repository), so hand the folder to the kernel directly.
            resources={"metadata": {"path": str(Path(cwd).resolve())}},
            progress_bar=False,
            log_output=False,
            report_mode=False,
            extra_arguments=KERNEL_ARGUMENTS,
            # A kernel of its own is stopped at once when its notebook is saved rather than after
            # a graceful shutdown (about 0.4 s a chapter); a reused one is left running.
            shutdown_kernel="immediate",
            km=km,
        )
    except papermill.PapermillExecutionError as exc:
        index, error, cell_source = (
            _first_error(target) if target.exists() else (None, str(exc), "")
        )
        error = error or f"{exc.ename}: {exc.evalue}"
        raise NotebookError(target, index, error, cell_source, source) from None
    except Exception as exc:  # kernel died, notebook unreadable: still a chapter failure
        raise NotebookError(target, None, f"{type(exc).__name__}: {exc}", "", source) from None
    finally:
        if kernels is not None:
            kernels.release(km)
    hide_parameter_cells(target, title)
    return time.perf_counter() - started


def keep_failed(failures: list[NotebookError], folder: Path) -> Path:
    """Keep the failed executed notebooks (outside any pack) so the analyst can open them."""
    folder.mkdir(parents=True, exist_ok=True)
    for failure in failures:
        if failure.chapter.exists():
            shutil.copy2(failure.chapter, folder / failure.chapter.name)
    return folder
