"""The published folder's pages: the archive of months, each month's page, and latest/.

Plain, self-contained HTML (no scripts, nothing from another host) that meets the book's
accessibility bar (WCAG 2.2 AA: language, landmarks, a table with headers and a caption, link
text that says where it goes, GOV.UK colours with enough contrast, a visible focus). Every link
is relative, so the folder works the same on a network share, a static site or a synced
SharePoint library. Every word that came from a file (the council's name) is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

#: What each month's folder records about its pack (written by helpers.delivery.web).
RECORD = "published.json"

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1.05rem;line-height:1.5;color:#0b0c0c;
background:#fff;margin:0}
main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.9rem;margin:1rem 0 .5rem}h2{font-size:1.35rem;margin:1.5rem 0 .5rem}
a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c;text-decoration:none}
table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:bold;
padding:.5rem 0}
th,td{border-bottom:1px solid #b1b4b6;padding:.5rem .6rem;text-align:left;vertical-align:top}
.skip{position:absolute;left:-9999px}.skip:focus{position:static}
ul{padding-left:1.25rem}footer{color:#505a5f;font-size:.95rem;margin-top:2rem}
""".strip()


def month_words(period: str) -> str:
    """'2026-10' as 'October 2026'."""
    return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%B %Y")


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    when = dt.datetime.fromisoformat(iso)
    return f"{when.day} {when:%B %Y}"


def _page(title: str, body: str, head: str = "") -> str:
    e = html.escape
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{head}<title>{e(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the main content</a>\n'
        f'<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )


def headline(record: dict[str, Any]) -> str:
    """How many measures went beyond normal variation, and which figures the pack used."""
    flagged, total = record.get("beyond_normal_variation"), record.get("measures")
    tracked, in_tracker = record.get("tracker_beyond"), record.get("tracker_measures")
    words = f"{flagged} of {total} measures beyond normal variation"
    if in_tracker:
        words += f" ({tracked} of the {in_tracker} tracker measures)"
    kind = record.get("figures", "latest")
    if kind == "as-published":
        return (
            f"{words}. Rebuilt as published: only the figures loaded by "
            f"{_day(record.get('loaded_up_to'))}, as when the pack was first published."
        )
    if kind == "as-of":
        return f"{words}. Rebuilt from the figures as they stood on {_day(record.get('as_of'))}."
    return f"{words}. Built from the latest figures."


def entry_target(record: dict[str, Any]) -> str:
    """The file in a month's folder a reader should open: the HTML book, else its page."""
    return record.get("html") or "index.html"


def archive_page(records: list[dict[str, Any]], council: str) -> str:
    """DIR/index.html: every month published, newest first, with its links and headline."""
    e = html.escape
    ordered = sorted(records, key=lambda r: r["period"], reverse=True)
    title = f"{council} children's services performance packs"
    rows = []
    for r in ordered:
        period, name = r["period"], month_words(r["period"])
        links = []
        if r.get("html"):
            links.append(f'<a href="{e(period)}/{e(r["html"])}">HTML book, {e(name)}</a>')
        if r.get("pdf"):
            pages = f", {r['pdf_pages']} pages" if r.get("pdf_pages") else ""
            links.append(f'<a href="{e(period)}/{e(r["pdf"])}">PDF, {e(name)}{pages}</a>')
        links.append(f'<a href="{e(period)}/index.html">Everything for {e(name)}</a>')
        if not (r.get("html") or r.get("pdf")):
            links.append("(built without Quarto: no HTML book or PDF)")
        rows.append(
            f'<tr><th scope="row">{e(name)}</th>'
            f"<td>{'<br>'.join(links)}</td>"
            f"<td>{e(headline(r))} Published {e(_day(r.get('published_at')))}.</td></tr>"
        )
    newest = ordered[0] if ordered else None
    lead = (
        f'<p>The newest pack is <a href="latest/">{e(month_words(newest["period"]))}</a>; '
        "the address latest/ always opens the newest month.</p>"
        if newest
        else "<p>Nothing has been published here yet.</p>"
    )
    body = (
        f"<h1>{e(title)}</h1>\n{lead}\n"
        "<p>Each month's pack says, for every measure, whether the latest figure is beyond "
        "normal variation (unlikely to be chance) or within it.</p>\n"
        "<table>\n<caption>Published packs, newest first</caption>\n"
        '<thead><tr><th scope="col">Month</th><th scope="col">Pack</th>'
        '<th scope="col">Headline</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        f"<footer><p>{e(council)}. Published with Vision Tracker.</p></footer>"
    )
    return _page(title, body)


def month_page(record: dict[str, Any], files: list[str]) -> str:
    """DIR/<YYYY-MM>/index.html: everything published for the month, by name."""
    e = html.escape
    name = month_words(record["period"])
    council = record.get("council", "")
    title = f"{council} children's services performance pack, {name}"
    labels = {
        record.get("html"): "The HTML book (every measure in full)",
        record.get("pdf"): "The members' pack (PDF)",
        "summary.html": "The Chair's summary",
        "summary.txt": "The Chair's summary (plain text)",
        "clinic-briefing.html": "The performance clinic briefing",
        "clinic-briefing.pdf": "The performance clinic briefing (PDF)",
    }
    items = [f'<li><a href="{e(f)}">{e(labels[f])}</a></li>' for f in labels if f and f in files]
    data = [f for f in files if f.startswith("data/")]
    body = (
        f"<h1>{e(title)}</h1>\n<p>{e(headline(record))} Published "
        f"{e(_day(record.get('published_at')))}.</p>\n<h2>The pack</h2>\n<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n<h2>The month's data (CSV)</h2>\n<ul>\n"
        + "\n".join(f'<li><a href="{e(f)}">{e(f.removeprefix("data/"))}</a></li>' for f in data)
        + '\n</ul>\n<p><a href="../index.html">Every month published</a></p>'
    )
    return _page(title, body)


def latest_page(record: dict[str, Any], council: str) -> str:
    """DIR/latest/index.html: opens the newest month at once, with a plain link as well."""
    e = html.escape
    name = month_words(record["period"])
    target = f"../{record['period']}/{entry_target(record)}"
    head = f'<meta http-equiv="refresh" content="0; url={e(target, quote=True)}">\n'
    title = f"{council} children's services performance pack: the latest ({name})"
    body = (
        f"<h1>{e(title)}</h1>\n"
        f'<p>The latest pack is for {e(name)}: <a href="{e(target)}">open the {e(name)} '
        'pack</a>.</p>\n<p><a href="../index.html">Every month published</a></p>'
    )
    return _page(title, body, head)
