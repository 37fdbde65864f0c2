"""Text from files and people reaches the pack as text: never HTML, Markdown or Quarto syntax.

Hostile strings go in through every path that carries input text into a chapter (catalogue
titles, descriptions and target notes; a theme's title and summary; a process change's reason;
an extract file's name and an extra column's header, quoted in a validation warning) and a real
build (papermill) must print each one escaped. Where the real Quarto exists the HTML is rendered
and searched for any element or link that came from them.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from chapter_markdown import markdown_outputs
from conftest import DEMO_PERIOD, ROOT, make_project

from helpers.inputs.store import Store
from helpers.pack import quarto
from helpers.pack.build import build_pack
from helpers.report.markdown import escape

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
HOSTILE = {
    "short_title": IMG,
    "title": "*x* [a](javascript:alert(3)) title",
    "description": "{{< include x >}} and @fig-x and a\\b\\\\c | d",
    "target_note": "`code` <b>bold</b> #notheading",
    "theme_title": "Front {{< meta title >}} door *y*",
    "theme_summary": "[click](javascript:alert(4)) @tbl-x",
    "reason": f"{SCRIPT} | piped | a\\b",
    "column": IMG,
}
#: Raw forms that must never appear unescaped in the Markdown.
RAW = ["<img", "<script", "<b>", "{{<", "](javascript", "*x*", "@fig-x", "@tbl-x", "`code`"]


def _unescaped(text: str, raw: str) -> bool:
    """Whether `raw` occurs with its first character not backslash-escaped."""
    for m in re.finditer(re.escape(raw), text):
        start = m.start()
        if start == 0 or text[start - 1] != "\\":
            return True
    return False


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory, demo_store: Path):
    base = tmp_path_factory.mktemp("hostile")
    project = make_project(
        base / "project",
        ["index.ipynb", "front_door.ipynb", "deep-dive.ipynb", "data-notes.ipynb"],
    )
    data = project / "data"
    catalogue = yaml.safe_load((data / "measures.yml").read_text(encoding="utf-8"))
    for m in catalogue["measures"]:
        if m["id"] == "reref_12m":
            for key in ("short_title", "title", "description", "target_note"):
                m[key] = HOSTILE[key]
    (data / "measures.yml").write_text(yaml.safe_dump(catalogue, sort_keys=False))
    themes = yaml.safe_load((data / "themes.yml").read_text(encoding="utf-8"))
    for t in themes["themes"]:
        if t["id"] == "front_door":
            t["title"], t["summary"] = HOSTILE["theme_title"], HOSTILE["theme_summary"]
    (data / "themes.yml").write_text(yaml.safe_dump(themes, sort_keys=False))
    changes = yaml.safe_load((data / "process_changes.yml").read_text(encoding="utf-8"))
    changes["process_changes"][0]["reason"] = HOSTILE["reason"]
    (data / "process_changes.yml").write_text(yaml.safe_dump(changes, sort_keys=False))
    # An extract with a hostile file name and an extra column whose header is hostile.
    source = ROOT / "data" / "extracts" / DEMO_PERIOD / "social_care_scorecard_2026-10.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ',"' + HOSTILE["column"] + '"'] + [line + ",x" for line in lines[1:]]
    folder = project / "data" / "extracts" / DEMO_PERIOD
    folder.mkdir(parents=True)
    extract = folder / "care_*x*_[a]_2026-10.csv"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = base / "store.duckdb"
    shutil.copy2(demo_store, store)
    with Store(store) as s:
        s.load([extract])
    return project, store


@pytest.fixture(scope="module")
def hostile_pack(hostile_project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project, store = hostile_project
    out = tmp_path_factory.mktemp("hostile-out")
    result = build_pack(DEMO_PERIOD, root=project, store_path=store, output=out, render=False)
    return result.folder


@pytest.fixture(scope="module")
def markdown(hostile_pack: Path) -> dict[str, str]:
    return {p.stem: markdown_outputs(p) for p in (hostile_pack / "notebooks").glob("*.ipynb")}


def test_no_raw_hostile_text_in_any_chapter(markdown) -> None:
    for name, text in markdown.items():
        for raw in RAW:
            assert not _unescaped(text, raw), f"{name}: {raw!r} reached the Markdown unescaped"


@pytest.mark.parametrize(
    ("chapter", "key"),
    [
        ("index", "short_title"),  # the At a glance table's Measure column
        ("front_door", "short_title"),  # the section heading
        ("front_door", "description"),
        ("front_door", "theme_title"),  # the chapter title the build adds
        ("front_door", "theme_summary"),
        ("deep-dive", "title"),
        ("deep-dive", "target_note"),
        ("data-notes", "reason"),
        ("data-notes", "column"),  # quoted in the validation warning
    ],
)
def test_each_path_prints_its_text_escaped(markdown, chapter: str, key: str) -> None:
    text = markdown[chapter]
    assert escape(HOSTILE[key]) in text or _pieces_escaped(text, HOSTILE[key]), (chapter, key)


def _pieces_escaped(text: str, value: str) -> bool:
    """A value quoted inside a longer message: its hostile part is there, escaped."""
    return escape(value)[:20] in text


def test_a_hostile_title_stays_text_inside_the_deep_dive_request_link(markdown) -> None:
    """The mailto: subject carries the short title percent-encoded: nothing in it is markup."""
    from urllib.parse import parse_qs, urlsplit

    links = re.findall(
        r"\[Ask for a deep dive on this measure\]\((mailto:[^)\s]*)\)", markdown["front_door"]
    )
    subjects = [parse_qs(urlsplit(u).query)["subject"][0] for u in links]
    assert f"Deep dive request: {HOSTILE['short_title']} (October 2026)" in subjects
    for url in links:
        assert not re.search(r"[<>\[\]()\s`*{}]", url), url


def test_file_name_is_escaped_in_the_data_notes(markdown) -> None:
    assert escape("care_*x*_[a]_2026-10.csv") in markdown["data-notes"]


def test_pipes_in_cells_do_not_split_a_table(markdown) -> None:
    for line in markdown["data-notes"].splitlines():
        if line.startswith("| ") and "piped" in line:
            assert "\\|" in line


def test_escape_leaves_plain_text_readable() -> None:
    assert (
        escape("Re-referrals within 12 months (23.0%)") == "Re-referrals within 12 months (23.0%)"
    )
    assert escape("- starts like a list") == "\\- starts like a list"
    assert escape("12. starts like a numbered list") == "12\\. starts like a numbered list"
    assert escape("two\nlines") == "two lines"


class ElementAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        handlers = [k for k, v in a.items() if k.startswith("on") and "alert(" in (v or "")]
        if handlers:  # Quarto's own buttons have onclick handlers; ours never come from input
            self.problems.append(f"<{tag}> with {handlers}")
        if tag == "img" and a.get("src") == "x":
            self.problems.append("<img src=x>")
        if tag == "b":
            self.problems.append("<b> from a target note")
        href = (a.get("href") or "").strip().lower()
        if href.startswith("javascript:"):
            self.problems.append(f"<{tag} href={href}>")
        self._in_script = tag == "script"

    def handle_data(self, data) -> None:
        if self._in_script and "alert(" in data:
            self.problems.append("a script holding alert(")

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._in_script = False


def test_rendered_html_has_no_element_from_hostile_input(
    hostile_project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        quarto.find_quarto()
    except quarto.QuartoUnavailable as exc:
        pytest.skip(f"needs the real quarto program: {exc}")
    project, store = hostile_project
    out = tmp_path_factory.mktemp("hostile-render")
    result = build_pack(DEMO_PERIOD, root=project, store_path=store, output=out, render=True)
    pages = sorted((result.folder / "book").rglob("*.html"))
    assert len(pages) >= 4
    front_door = next(p for p in pages if "front" in p.name).read_text(encoding="utf-8")
    subjects = [
        unquote(s) for s in re.findall(r'href="mailto:[^"?]*\?subject=([^"&]*)', front_door)
    ]
    assert f"Deep dive request: {HOSTILE['short_title']} (October 2026)" in subjects
    seen_text = False
    for page in pages:
        html = page.read_text(encoding="utf-8")
        audit = ElementAudit()
        audit.feed(html)
        assert audit.problems == [], f"{page.name}: {audit.problems}"
        seen_text = seen_text or "onerror=alert(1)" in html.replace("&gt;", ">")
    assert seen_text, "the hostile text should still be there, as text"
