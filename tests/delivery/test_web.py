"""`tracker publish`: two built months in a web folder, the archive, latest/, and a killed publish.

Real builds (September with one chapter, October the session's demo pack), the real command
line in a subprocess, real files; the kill is a real SIGKILL while the month is being copied.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DEMO_PERIOD, ROOT, make_project
from delivery_packs import copy_pack, with_book, with_pdf

from helpers.delivery import web
from helpers.pack.build import build_pack

TRACKER = str(Path(sys.executable).with_name("tracker"))
EARLIER = "2026-09"


class Links(HTMLParser):
    """Every href, the refresh target, and the archive's row headers in order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.refresh: str | None = None
        self.rows: list[str] = []
        self._row_header = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.refresh = (a.get("content") or "").split("url=", 1)[1]
        self._row_header = tag == "th" and a.get("scope") == "row"

    def handle_data(self, data: str) -> None:
        if self._row_header and data.strip():
            self.rows.append(data.strip())
            self._row_header = False


def _links(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _tree(folder: Path) -> dict[str, str]:
    """Every file under folder with the hash of its content."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _publish(output: Path, dest: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TRACKER, "publish", "--to", str(dest), "--output", str(output), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_HOME": str(ROOT)},
    )


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory, demo_store: Path, demo_pack) -> Path:
    """output/ holding September (built here, one chapter) and October (the demo pack + a PDF)."""
    base = tmp_path_factory.mktemp("two-months")
    project = make_project(base / "project", ["index.ipynb"])
    built = base / "built"
    build_pack(EARLIER, root=project, store_path=demo_store, output=built, render=False)
    output = base / "output"
    output.mkdir()
    copy_pack(built / EARLIER, output)
    october = copy_pack(demo_pack.folder, output)
    with_pdf(october)
    with_book(october)
    return output


@pytest.fixture(scope="module")
def published(two_months: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("web") / "vision-tracker"
    for period in (EARLIER, DEMO_PERIOD):
        done = _publish(two_months, dest, "--period", period)
        assert done.returncode == 0, done.stderr
    return dest


def test_both_months_are_published_with_what_members_read(published: Path) -> None:
    october = published / DEMO_PERIOD
    for name in ("book/index.html", f"vision-tracker-{DEMO_PERIOD}.pdf", "summary.html"):
        assert (october / name).is_file(), name
    assert (october / "data" / "verdicts.csv").is_file()
    assert (october / "clinic-briefing.html").is_file()  # the demo month has members' picks
    assert not (october / "notebooks").exists() and not (october / "manifest.json").exists()
    assert (published / EARLIER / "summary.html").is_file()
    assert not [p for p in published.rglob("*") if p.is_symlink()]
    assert not [p.name for p in published.iterdir() if p.name.startswith(".")]


def test_the_archive_lists_months_newest_first_with_working_relative_links(
    published: Path,
) -> None:
    index = published / "index.html"
    links = _links(index)
    assert links.rows == ["October 2026", "September 2026"]
    assert f"{DEMO_PERIOD}/book/index.html" in links.hrefs
    assert f"{DEMO_PERIOD}/vision-tracker-{DEMO_PERIOD}.pdf" in links.hrefs
    for href in [h for h in links.hrefs if not h.startswith("#")]:  # not the skip link
        assert not re.match(r"^([a-z]+:|/)", href), f"{href} is not relative"
        target = (published / href).resolve()
        target = target / "index.html" if target.is_dir() else target
        assert target.is_file(), f"{href} leads nowhere"
    text = index.read_text(encoding="utf-8")
    october = json.loads((published / DEMO_PERIOD / "published.json").read_text())
    assert october["measures"] == 47 and october["figures"] == "latest"
    assert f"{october['beyond_normal_variation']} of 47 measures beyond normal variation" in text
    assert text.count("Built from the latest figures.") == 2
    assert "built without Quarto" in text  # September has no book: said, not linked


def test_latest_opens_the_newer_month(published: Path) -> None:
    links = _links(published / "latest" / "index.html")
    assert links.refresh == f"../{DEMO_PERIOD}/book/index.html"
    assert links.refresh in links.hrefs  # a plain link too, for anyone the refresh misses
    assert (published / "latest" / links.refresh).resolve().is_file()
    assert not (published / "latest").is_symlink()


def test_a_rebuilt_as_published_month_says_so(
    two_months: Path, tmp_path: Path, published: Path
) -> None:
    output = tmp_path / "output"
    pack = copy_pack(two_months / DEMO_PERIOD, output)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["figures"] = {"kind": "as-published", "loaded_up_to": "2026-11-02T09:30:00"}
    (pack / "manifest.json").write_text(json.dumps(manifest))
    dest = tmp_path / "web"
    shutil.copytree(published, dest)
    done = web.publish_month(output, DEMO_PERIOD, dest, "Rotherham")
    assert done.replaced and done.months == [DEMO_PERIOD, EARLIER]
    text = (dest / "index.html").read_text(encoding="utf-8")
    assert "Rebuilt as published: only the figures loaded by 2 November 2026" in text


def test_republishing_replaces_the_month_whole(two_months: Path, tmp_path: Path) -> None:
    dest = tmp_path / "web"
    web.publish_month(two_months, DEMO_PERIOD, dest, "Rotherham")
    stray = dest / DEMO_PERIOD / "left-from-before.txt"
    stray.write_text("old")
    again = web.publish_month(two_months, DEMO_PERIOD, dest, "Rotherham")
    assert again.replaced and not stray.exists()
    assert again.switch in ("exchanged", "renamed")
    assert not [p.name for p in dest.iterdir() if p.name.startswith(".")]


def test_without_an_atomic_exchange_the_two_renames_leave_nothing_behind(
    two_months: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shares that cannot exchange two folders get the rename pair (old kept until the new)."""
    dest = tmp_path / "web"
    web.publish_month(two_months, DEMO_PERIOD, dest, "Rotherham")
    (dest / DEMO_PERIOD / "stray.txt").write_text("old")
    monkeypatch.setattr(web, "_exchange", lambda a, b: False)
    again = web.publish_month(two_months, DEMO_PERIOD, dest, "Rotherham")
    assert again.switch == "renamed" and not (dest / DEMO_PERIOD / "stray.txt").exists()
    assert sorted(p.name for p in dest.iterdir()) == [DEMO_PERIOD, "index.html", "latest"]


def test_a_month_caught_between_the_two_renames_is_put_back(
    two_months: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "web"
    web.publish_month(two_months, DEMO_PERIOD, dest, "Rotherham")
    before = _tree(dest / DEMO_PERIOD)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    aside = dest / f".replaced-{DEMO_PERIOD}-{int(dead.stdout)}"
    (dest / DEMO_PERIOD).rename(aside)  # as a publish killed after its first rename leaves it
    notes = web.tidy(dest)
    assert notes and _tree(dest / DEMO_PERIOD) == before and not aside.exists()


def test_a_publish_killed_while_copying_leaves_the_earlier_version_whole(
    two_months: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    pack = copy_pack(two_months / DEMO_PERIOD, output)
    dest = tmp_path / "web"
    first = _publish(output, dest, "--period", DEMO_PERIOD)
    assert first.returncode == 0, first.stderr
    earlier = _tree(dest / DEMO_PERIOD)
    archive = (dest / "index.html").read_bytes()
    latest = (dest / "latest" / "index.html").read_bytes()
    with_book(pack, files=4000, size=8192)  # a rebuilt month with a large book: a slow copy

    process = subprocess.Popen(
        [TRACKER, "publish", "--period", DEMO_PERIOD, "--to", str(dest), "--output", str(output)],
        env={**os.environ, "TRACKER_HOME": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    incoming = dest / f".incoming-{DEMO_PERIOD}-{process.pid}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        book = incoming / "book"
        if book.is_dir() and sum(1 for _ in book.iterdir()) >= 100:
            break
        time.sleep(0.005)
    else:
        process.kill()
        pytest.fail("the publish never started copying the book")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    copied = sum(1 for _ in (incoming / "book").iterdir())
    assert copied < 4001, "the kill came after the copy: the test proved nothing"
    assert _tree(dest / DEMO_PERIOD) == earlier, "the published month changed"
    assert (dest / "index.html").read_bytes() == archive
    assert (dest / "latest" / "index.html").read_bytes() == latest
    assert (
        (dest / DEMO_PERIOD / "summary.html")
        .read_text(encoding="utf-8")
        .startswith("<!DOCTYPE html>")
    )

    again = _publish(output, dest, "--period", DEMO_PERIOD)  # the next publish clears up
    assert again.returncode == 0, again.stderr
    assert "left by a publish that was stopped" in again.stderr
    assert not incoming.exists() and not (dest / web.LOCK).exists()
    assert (dest / DEMO_PERIOD / "book" / "page-03999.html").is_file()


def test_bad_requests_exit_2_and_change_nothing(
    published: Path, two_months: Path, tmp_path: Path
) -> None:
    before = _tree(published)
    empty = tmp_path / "output"
    empty.mkdir()
    missing = _publish(empty, published, "--period", "2026-08")
    assert missing.returncode == 2
    assert "no built pack for 2026-08" in missing.stderr and "tracker build" in missing.stderr
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    not_folder = _publish(two_months, a_file, "--period", DEMO_PERIOD)
    assert not_folder.returncode == 2 and "is a file, not a folder" in not_folder.stderr
    assert a_file.read_text() == "x"
    nothing = _publish(empty, published)
    assert nothing.returncode == 2 and "No pack is built" in nothing.stderr
    assert _tree(published) == before


def test_the_web_folder_cannot_be_inside_the_packs(two_months: Path) -> None:
    with pytest.raises(web.PublishError, match="inside"):
        web.publish_month(two_months, DEMO_PERIOD, two_months / "web", "Rotherham")


def test_archive_pages_pass_axe_and_latest_lands_on_the_newer_month(published: Path) -> None:
    """axe-core in headless Chromium: no WCAG 2.2 A/AA violations on the pages publish writes."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium) for the axe-core check")
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install '.[a11y]' for axe")
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="pip install '.[a11y]'"
    )
    pages = [published / "index.html", published / DEMO_PERIOD / "index.html"]
    pages.append(published / EARLIER / "index.html")
    problems = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        for html in pages:
            page.goto(html.as_uri())
            results = axe.Axe().run(
                page,
                options={
                    "runOnly": {
                        "type": "tag",
                        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                    }
                },
            )
            for violation in results.response["violations"]:
                problems.append(f"{html}: {violation['id']} ({len(violation['nodes'])} elements)")
        page.goto((published / "latest" / "index.html").as_uri())
        page.wait_for_url(re.compile(rf"/{DEMO_PERIOD}/book/index\.html$"), timeout=10_000)
        browser.close()
    assert problems == []
