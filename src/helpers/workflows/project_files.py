"""The texts of the files `tracker init` writes fresh for a new council (not copied from the demo).

Each function returns a file's whole text. Values from files and people (a council's name, a
commission's name) are written as YAML double-quoted scalars, so no name can break the file.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from helpers.inputs.council import DFE_MODEL, Authority
from helpers.inputs.placeholders import AGREED_BY, COMMISSION


def scalar(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def comment(text: str) -> str:
    """Text fit for one comment line (no line breaks can end the comment early)."""
    return " ".join(text.split())


def council_yml(
    authority: Authority, neighbour_names: list[str], commission: str | None, today: dt.date
) -> str:
    """data/council.yml for the authority, with its DfE 2025 neighbours named in a comment."""
    named = ", ".join(
        f"{comment(name)} ({code})"
        for name, code in zip(neighbour_names, authority.neighbours, strict=True)
    )
    neighbours = textwrap.fill(named + ".", 94, initial_indent="#   ", subsequent_indent="#   ")
    commission_line = (
        f"commission: {scalar(commission)}"
        if commission
        else f"commission: {scalar(COMMISSION)}   # placeholder: `tracker build` warns until set"
    )
    return f"""\
# The council this pack is for, written by `tracker init` on {today.isoformat()} from
# data/authorities.csv (the DfE's list of English authorities). Every council-specific word in
# the pack (the cover, the chapters, the data notes, the catalogue's {{council}} placeholders)
# and every benchmark, rank and quartile follows from this file. Checked on every load and
# build: a mistake stops with this file, the key and what to fix.
name: {scalar(authority.name)}
la_code: {scalar(authority.la_code)}   # the DfE old LA code
ons_code: {scalar(authority.ons_code)}
region: {scalar(authority.region)}
# The scrutiny commission (or committee, or board) that receives the pack, as members know it.
{commission_line}
# {DFE_MODEL}: the ten statistical neighbours of the DfE 2025 model, closest first:
{neighbours}
# Or a list of old LA codes of the council's own choosing, e.g. [370, 371, 384].
statistical_neighbours: {DFE_MODEL}
# false: the extracts are the council's own figures (true only for the bundled demo data).
demo: false
# Deep-dive requests (the pack names who to ask and by when) and the Chair's email
# (`tracker signals --send`): uncomment and fill in; README: Publishing and email.
# clinic:
#   officer: the scrutiny officer's name
#   email: scrutiny@<council domain>
#   days: 7
# email:
#   from: performance@<council domain>
#   to: [chair@<council domain>]
#   smtp_host: smtp.office365.com
#   smtp_port: 587
#   security: starttls
#   username: performance@<council domain>
#   auth: oauth2          # none, password (TRACKER_SMTP_PASSWORD) or oauth2; never a password here
"""


def tracker_sets_yml(measures: list[str], today: dt.date, next_review: dt.date) -> str:
    """data/tracker_sets.yml: one starting set, dated today, asking who agreed it."""
    items = "\n".join(f"      - {m}" for m in measures)
    return f"""\
# The vision tracker's measures, dated: which measures the tracker follows, from when.
#
# The commission refreshes the tracker every six months. Each refresh adds an entry at the end
# (`tracker refresh --add ID --remove ID --on YYYY-MM-DD --by "who agreed"`, or by hand) and
# never changes an earlier one, so a rebuilt older month keeps the set it had. A month uses the
# latest entry that started on or before its last day (a month before the first entry uses the
# first entry).
#
# `tracker init` wrote the entry below on {today.isoformat()} as a starting set. Before the
# first pack goes to members, edit it: the measures the commission agreed to follow, and in
# agreed_by who agreed them and when (`tracker build` warns until agreed_by is written).
sets:
  - from: {today.isoformat()}
    agreed_by: {scalar(AGREED_BY)}
    next_review: {next_review.isoformat()}
    measures:
{items}
"""


PROCESS_CHANGES_YML = """\
# Known changes to how a measure is produced (a new recording system, a new definition, a new
# way of working at the front door): the pack starts new SPC limits (a rebase) at these months,
# so the old level is not compared with the new one. Add an entry per change:
#
#   - measure_id: assess_45wd          # a measure id from data/measures.yml
#     period: 2027-04                  # the first month produced the new way (YYYY-MM)
#     reason: 'Why the figures moved to a new level, in words members can read.'
process_changes: []
"""

GITIGNORE = """\
output/
data/*.duckdb
data/*.duckdb.wal
data/*.lock
.quarto/
_book/
.ipynb_checkpoints/
"""


def readme_md(authority: Authority, today: dt.date) -> str:
    """README.md: what this folder is and what to do next."""
    opening = textwrap.fill(
        f"The monthly children's services performance pack for {authority.name} (DfE code "
        f"{authority.la_code}), started with `tracker init` on {today.isoformat()}. The code is "
        "the `vision-tracker` package installed in the environment you ran `tracker init` from; "
        "this folder holds only the council's settings, catalogue, chapters and figures. Run "
        "every command from here:",
        96,
    )
    return f"""\
# Vision Tracker: {authority.name}

{opening}

```sh
tracker validate data/extracts      # check the month's files; every problem named
tracker load data/extracts          # load them into data/tracker.duckdb
tracker build                       # the pack for the latest month, in output/<YYYY-MM>/
```

Before the first pack goes to members:

1. `data/council.yml`: the scrutiny commission's name (`commission`); check the statistical
   neighbours.
2. `data/measures.yml`: the council's own targets (`target`, and `target_note` saying who set
   it), and `council_plan_ref` for each measure the council's quarterly Council Plan report
   carries, as that report numbers it; every target and reference was left empty.
3. `data/tracker_sets.yml`: the measures the commission follows, and who agreed them.
4. `data/extracts/`: the monthly scorecard extracts (see `data/extracts/README.md`), or the
   figures from Ofsted's Annex A lists with `tracker annex-a WORKBOOK`.

Also here: `data/selections.yml` (members' deep-dive picks, `tracker select`),
`data/council_plan.csv` (the Council Plan report's published values, one row per quarter and
measure; `data/council_plan.md`), `data/process_changes.yml` (known changes in how a measure is
produced), `data/population.csv` (children aged 0 to 17, for rates per 10,000 from Annex A), and
the published benchmarks for every English authority (`data/benchmarks.md` says where they come
from).
"""


EXTRACTS_README_MD = """\
# Extracts: the council's monthly figures

Drop each month's scorecard files into a folder of their own, `data/extracts/<YYYY-MM>/` (for
example `data/extracts/2027-04/`), then run from the project folder:

```sh
tracker validate data/extracts    # report every problem; exit 2 on any error
tracker load data/extracts        # all or nothing; reloading a file changes nothing
```

Every file in the folder and its subfolders is read (CSV or XLSX); a file loaded before with the
same content is skipped, and a later file that gives an earlier month a different figure becomes
a revision (the store keeps both, and `tracker revisions` lists them).

## The input contract

- **Long format** (CSV or XLSX): columns `measure_id, period, value, numerator, denominator`,
  one row per measure and month. Numerator and denominator are optional. Extra columns (such as
  `measure_title`) are ignored with a warning.
- **Wide format** (XLSX): one row per measure (`measure_id` first, optionally a title column),
  one column per month headed with the month (`Oct 2026`, `2026-10`, or an Excel date).
- `measure_id` is an id from `data/measures.yml`; its unit there says what the value is.
- `value = numerator / denominator x 100` for percentages and `x 10,000` for rates per 10,000
  children (to within rounding); counts are whole numbers.
- Accepted as real files come: a UTF-8 byte-order mark, Windows line endings, periods written
  `2026-10`, `Oct 2026`, `October 2026`, `10/2026` or as Excel dates, percentages with or without
  `%` (and Excel percent-formatted cells), thousands separators.
- Checked: unknown measure, unreadable period, a period after the current month, the same
  measure and month twice, non-numeric or missing values, negative figures, percentages outside
  0-100, a numerator above its denominator, a value that does not follow from its numerator and
  denominator, missing columns, empty or unreadable files. Every problem names the file, row and
  column and says what to fix; a file with any error changes nothing in the store.

A small example (`data/extracts/2026-04/social-care.csv`):

```
measure_id,period,value,numerator,denominator
reref_12m,2026-04,21.4,107,500
assess_45wd,2026-04,88.0,440,500
```

## Figures from Annex A

Instead of typing scorecard figures, `tracker annex-a WORKBOOK --extracted YYYY-MM-DD` computes
every measure with an `annex_a:` entry in `data/measures.yml` from Ofsted's Annex A lists and
writes them to `data/extracts/annex-a/` (or loads them with `--load`). Only monthly totals are
kept, never a child's details. Rates per 10,000 children use `data/population.csv`.
"""


def council_plan_md(source_text: str) -> str:
    """The Council Plan file's description, without the demo's section about its own rows."""
    note = textwrap.fill(
        "`tracker init` left the file with its header only, and no measure in "
        "`data/measures.yml` with a `council_plan_ref`: give each measure the Council Plan report "
        "publishes its reference there, then add a row here for each of them when the quarter's "
        "report comes out.",
        99,
    )
    # The demo's section about its own rows goes; so does this note in a project init made.
    kept = source_text.split("**Demo values.**", 1)[0].split(note.split()[0], 1)[0].rstrip()
    return f"{kept}\n\n{note}\n"
