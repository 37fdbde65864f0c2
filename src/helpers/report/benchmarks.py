"""How the council compares: published annual figures, its rank and its quartile band.

The figures and ranks come from helpers.analysis.benchmarks (LAIT's rules, stated there); this
module only words them for members. Every name printed here (the council, its region, a
measure's title) is data: sentences go through `escape`, and `table` escapes its own cells.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.analysis.benchmarks import SYMBOL_WORDS
from helpers.analysis.month import MonthAnalysis
from helpers.formatting import format_value
from helpers.inputs.catalogue import Measure
from helpers.inputs.council import possessive
from helpers.numbers import unit_value
from helpers.report.markdown import escape, table

#: Years of published figures shown in the deep dive (all years are in data/benchmarks.csv).
TABLE_YEARS = 8
QUARTER_WORDS = {1: "lowest", 2: "second-lowest", 3: "second-highest", 4: "highest"}
SOURCE_NOTE = "Source: Department for Education (Open Government Licence v3.0)"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _rows(month: MonthAnalysis, measure: Measure) -> pd.DataFrame:
    b = month.benchmarks
    if b.empty or not measure.benchmark or "national_rank" not in b:
        return pd.DataFrame()
    return b[b["measure_id"] == measure.benchmark].sort_values("year")


def _names(month: MonthAnalysis) -> tuple[str, str]:
    council = month.council
    return (council.name, council.region) if council else ("The council", "the region")


def _not_published(note: object) -> str:
    words = SYMBOL_WORDS.get(str(note or "").strip().lower(), "not published")
    return f"not published ({words})" if words != "not published" else words


def _unranked(count: object) -> str:
    if _missing(count) or int(count) == 0:
        return ""
    n = int(count)
    return (
        f" {n} {'authority' if n == 1 else 'authorities'} had no published figure (suppressed or "
        f"not available) and {'is' if n == 1 else 'are'} left out of the ranking."
    )


def rank_sentence(month: MonthAnalysis, measure: Measure) -> str:
    """The council's latest rank and quartile band among English authorities, in words."""
    rows = _rows(month, measure)
    if rows.empty:
        return ""
    name, _ = _names(month)
    whose = possessive(name)
    row = rows.iloc[-1]
    year = f"the year to 31 March {int(row['year'])}"
    if _missing(row["national_ranked"]):
        return escape(
            f"The published figures for {year} are for England only, so {name} has no rank."
        )
    if _missing(row["council"]):
        text = (
            f"{whose} figure for {year} was {_not_published(row['council_note'])}, so it has no "
            "rank or quartile band." + _unranked(row["national_unranked"])
        )
        return escape(text)
    value = format_value(float(row["council"]), measure, long=True)
    ranked, peers = int(row["national_ranked"]), int(row["neighbour_ranked"]) - 1
    peer_words = f"{name} and its {peers} statistical neighbours with a figure"
    if measure.improvement_direction == "neutral":
        text = (
            f"In {year} {whose} figure ({value}) was the {ordinal(row['national_rank'])} highest "
            f"of {ranked} English authorities with a published figure, in the "
            f"{QUARTER_WORDS[int(row['value_quarter'])]} quarter. Neither higher nor lower is "
            f"better for this measure, so no position is called best. Among {peer_words} it was "
            f"{ordinal(row['neighbour_rank'])} highest of {int(row['neighbour_ranked'])}."
        )
    else:
        better = "higher" if measure.improvement_direction == "increase" else "lower"
        text = (
            f"In {year} {whose} figure ({value}) ranked {ordinal(row['national_rank'])} of "
            f"{ranked} English authorities with a published figure (1st is the best; {better} is "
            f"better), in quartile band {row['quartile_band']} (A is the best quarter of "
            f"authorities, D the worst). Among {peer_words} it ranked "
            f"{ordinal(row['neighbour_rank'])} of {int(row['neighbour_ranked'])}."
        )
    return escape(text + _unranked(row["national_unranked"]))


def _count(value: object) -> str:
    return "" if _missing(value) else str(int(value))


def benchmark_table(month: MonthAnalysis, measure: Measure, label: str = "deep-dive") -> str:
    """Published annual figures: the council, England, its region, similar areas, its rank.

    One number a cell (the pack's tables right-align numbers): the neighbours' range is two
    columns, and the rank and the number of authorities ranked are two more.
    """
    rows = _rows(month, measure)
    if rows.empty:
        return "No published national comparison exists for this measure.\n"
    rows = rows.tail(TABLE_YEARS)
    name, region = _names(month)
    whose = possessive(name)
    neutral = measure.improvement_direction == "neutral"

    def fmt(x: object) -> str:
        value = None if _missing(x) else float(x)
        return unit_value(value, measure.unit, measure.decimals, missing="")

    frame = pd.DataFrame(
        {
            "Year to 31 March": rows["year"].astype(int).astype(str),
            name: [
                fmt(v) if not _missing(v) else ("" if _missing(r) else "no figure")
                for v, r in zip(rows["council"], rows["national_ranked"], strict=True)
            ],
            "England": [fmt(x) for x in rows["england"]],
            region: [fmt(x) for x in rows["region"]],
            "Similar areas": [fmt(x) for x in rows["stat_neighbours"]],
            "Lowest": [fmt(x) for x in rows["sn_min"]],
            "Highest": [fmt(x) for x in rows["sn_max"]],
            "Rank": [_count(x) for x in rows["national_rank"]],
            "Ranked": [_count(x) for x in rows["national_ranked"]],
        }
    )
    align = "lrrrrrrrr"
    if not neutral:
        frame["Band"] = [str(b or "") for b in rows["quartile_band"]]
        align += "l"
    order = (
        "rank 1 is the highest figure; neither higher nor lower is better, so there is no band"
        if neutral
        else "rank 1 is the best figure; band A is the best quarter of authorities, D the worst"
    )
    caption = (
        f"{measure.short_title}: published annual figures. Similar areas is the average of "
        f"{whose} statistical neighbours, with the lowest and highest of them; Rank is "
        f"{whose} place among the Ranked English authorities with a figure ({order}). "
        f"Suppressed figures are left out. {SOURCE_NOTE}"
    )
    return table(frame, caption, f"{measure.id}-{label}-benchmarks", align)


def rank_fact(month: MonthAnalysis, measure: Measure) -> str:
    """A few words for a compact panel, e.g. 'Rank in England 67th of 153, band B (2025)'."""
    rows = _rows(month, measure)
    if rows.empty:
        return ""
    row = rows.iloc[-1]
    if _missing(row["national_ranked"]) or _missing(row["national_rank"]):
        return ""
    year = int(row["year"])
    if measure.improvement_direction == "neutral":
        words = f"{ordinal(row['national_rank'])} highest of {int(row['national_ranked'])}"
        return f"**Rank in England** {escape(words)} ({year})"
    words = f"{ordinal(row['national_rank'])} of {int(row['national_ranked'])}, band "
    return f"**Rank in England** {escape(words + str(row['quartile_band']))} ({year})"


def compares(month: MonthAnalysis, measure: Measure) -> str:
    """The 'How <council> compares' paragraph of a measure's section, or ''."""
    sentence = rank_sentence(month, measure)
    if not sentence:
        return ""
    name = month.council.name if month.council else "the council"
    return f"**How {escape(name)} compares**\n\n{sentence}\n"
