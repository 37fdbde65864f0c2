"""The Chair's summary: exactly the month's special causes and assurance failures, escaped."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import DEMO_PERIOD, ROOT

from helpers.analysis.month import read_month
from helpers.report.summary import summary_html, summary_text

TRACKER = str(Path(sys.executable).with_name("tracker"))


def _expected(verdicts: pd.DataFrame) -> tuple[list[str], list[str]]:
    special = verdicts.loc[verdicts["beyond_normal_variation"], "measure_id"].tolist()
    failing = verdicts.loc[verdicts["assurance_icon"] == "fail", "measure_id"].tolist()
    return special, failing


def _run(store: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_HOME": str(ROOT)}
    return subprocess.run(
        [TRACKER, "signals", "--period", DEMO_PERIOD, "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
    )


def test_signals_lists_exactly_the_months_special_causes_and_assurance_failures(
    demo_pack, demo_store: Path, tmp_path: Path
) -> None:
    verdicts = pd.read_csv(demo_pack.folder / "data" / "verdicts.csv")
    special, failing = _expected(verdicts)
    assert special and failing  # the demo month has both
    titles = verdicts.set_index("measure_id")["short_title"]
    sentences = verdicts.set_index("measure_id")["sentence"]

    text = _run(demo_store, "--format", "text")
    assert text.returncode == 0, text.stderr
    body = " ".join(text.stdout.split())
    blocks = body.split("Will miss its target (")
    assert f"Beyond normal variation ({len(special)})" in blocks[0]
    assert blocks[1].startswith(f"{len(failing)})")
    listed = re.findall(r"- (.+?) \(", blocks[0].split(f"({len(special)})", 1)[1])
    assert listed == [titles[m] for m in listed_ids(special, verdicts)]
    for measure_id in special:
        assert " ".join(sentences[measure_id].split()) in blocks[0]
    for measure_id in failing:
        assert f"- {titles[measure_id]} (target missed consistently)" in blocks[1]
    others = set(verdicts["measure_id"]) - set(special) - set(failing)
    for measure_id in others:
        assert f"- {titles[measure_id]} (" not in body

    out = tmp_path / "summary.html"
    page = _run(demo_store, "--format", "html", "--out", str(out))
    assert page.returncode == 0, page.stderr
    written = out.read_text()
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td>", written)
    expected = [html.escape(titles[m]) for m in listed_ids(special, verdicts) + failing]
    assert [r.removesuffix(" (tracker)") for r in rows] == expected
    # The build wrote the same page into the pack folder, and lists both files.
    assert (demo_pack.folder / "summary.html").read_text() == written
    assert (demo_pack.folder / "summary.txt").read_text() == text.stdout
    manifest = json.loads((demo_pack.folder / "manifest.json").read_text())
    assert manifest["files"]["summary"] == ["summary.html", "summary.txt"]

    table = _run(demo_store)
    assert table.returncode == 0 and f"{len(special) + len(failing)} special cause" in table.stdout
    bad = _run(demo_store, "--format", "pdf")
    assert bad.returncode == 2 and "use table, text or html" in bad.stderr


def listed_ids(special: list[str], verdicts: pd.DataFrame) -> list[str]:
    """Special causes in the summary's order: concerns, improvements, then neutral ones."""
    order = [
        "special_cause_concern",
        "special_cause_improvement",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    ]
    kinds = verdicts.set_index("measure_id")["point_type"]
    return sorted(special, key=lambda m: order.index(kinds[m]))


def test_html_is_self_contained_and_escapes_text_from_files(demo_pack) -> None:
    month = read_month(demo_pack.folder, ROOT)
    first = month.verdicts.index[month.verdicts["beyond_normal_variation"]][0]
    month.verdicts.loc[first, "short_title"] = '<script>alert("x")</script> & <img src=x>'
    page = summary_html(month)
    lowered = page.lower()
    for banned in ("<script", "<img", "<link", "<style", "javascript:"):
        assert banned not in lowered, banned
    assert not re.search(r"<[^>]*\bsrc=", lowered)
    # The only links: the deep-dive request (mailto:); nothing loads from another host.
    assert all(h.startswith("mailto:") for h in re.findall(r'\bhref="([^"]*)"', lowered))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page
    assert all(
        'style="' in tag for tag in re.findall(r"<(?:body|table|td|th|h1|h2|p)\b[^>]*>", page)
    )
    assert '<script>alert("x")</script>' in summary_text(month)  # plain text stays as written
