"""The catalogue of measures (data/measures.yml) and the themes (data/themes.yml).

Everything downstream (validation, SPC direction, chart axes, members' wording) reads a
measure's definition from here, so the catalogue is checked strictly on load: a mistake in
it is reported naming the file, the measure and the field, never discovered in a chart.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import pandas as pd

from helpers import paths
from helpers.files import load_yaml
from helpers.inputs.council import CouncilError, council_for

UNITS = ("percent", "count", "rate_per_10k", "days", "score", "ratio")
DIRECTIONS = ("increase", "decrease", "neutral")
SCORECARDS = ("early_help", "social_care")
#: Units that are a proportion or rate of a numerator over a denominator, and the multiplier.
MULTIPLIERS = {"percent": 100.0, "rate_per_10k": 10_000.0}
#: spc_method values (helpers.spc.method.METHODS says what each does).
SPC_METHODS = ("auto", "mdc", "autocorrelated")
#: The shortest and longest rolling window a monthly figure may cover.
ROLLING_MONTHS = (2, 24)
REQUIRED = (
    "id",
    "title",
    "short_title",
    "theme",
    "scorecard",
    "unit",
    "improvement_direction",
    "description",
)


class CatalogueError(ValueError):
    """The catalogue or themes file is wrong; the message says where and what to fix."""


class CouncilSettingError(CatalogueError):
    """The catalogue could not be read because data/council.yml is wrong (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class AnnexA:
    """How a measure is computed from the Annex A lists (helpers.inputs.annex_a.rules).

    `list` and `rule` name the list and the rule; `snapshot` says the figure is taken on the
    extraction date rather than for each month; `differs` says, in members' words, how the
    Annex A rule differs from the catalogue's definition where it cannot match it exactly.
    """

    list: int
    rule: str
    snapshot: bool = False
    differs: str | None = None


@dataclass(frozen=True)
class Measure:
    """One measure as members and the engine see it."""

    id: str
    title: str
    short_title: str
    theme: str
    scorecard: str
    unit: str
    improvement_direction: str
    description: str
    numerator: str | None = None
    denominator: str | None = None
    target: float | None = None
    target_note: str | None = None
    council_plan_ref: str | None = None
    decimals: int = 1
    benchmark: str | None = None
    source: str | None = None
    annex_a: AnnexA | None = None
    #: The monthly figure covers the last N months (a rolling rate): consecutive months overlap.
    rolling_months: int | None = None
    #: Which SPC rules judge it: "auto" (decided from its months), "mdc" or "autocorrelated".
    spc_method: str = "auto"

    @property
    def is_proportion(self) -> bool:
        """Percent measures: numerator over denominator times 100."""
        return self.unit == "percent"

    @property
    def multiplier(self) -> float:
        """Value = numerator / denominator * multiplier (1 for plain averages and ratios)."""
        return MULTIPLIERS.get(self.unit, 1.0)

    @property
    def has_ratio(self) -> bool:
        """Whether the measure is defined as numerator over denominator."""
        return self.denominator is not None


@dataclass(frozen=True)
class Theme:
    """A chapter of the pack and a group of measures."""

    id: str
    title: str
    order: int
    summary: str = ""


@dataclass
class Catalogue:
    """All measures, keyed by id, with their themes."""

    measures: dict[str, Measure]
    themes: dict[str, Theme] = field(default_factory=dict)
    path: Path | None = None

    @property
    def ids(self) -> list[str]:
        return list(self.measures)

    def __contains__(self, measure_id: object) -> bool:
        return measure_id in self.measures

    def __getitem__(self, measure_id: str) -> Measure:
        try:
            return self.measures[measure_id]
        except KeyError:
            raise KeyError(f"Unknown measure '{measure_id}': it is not in {self.path}") from None

    def in_theme(self, theme_id: str) -> list[Measure]:
        """The theme's measures in catalogue order."""
        return [m for m in self.measures.values() if m.theme == theme_id]

    def frame(self) -> pd.DataFrame:
        """The catalogue as a table, one row per measure."""
        import pandas as pd  # only this table needs it; the command line starts without pandas

        return pd.DataFrame([asdict(m) for m in self.measures.values()])


def _fail(path: Path, where: str, problem: str, fix: str) -> CatalogueError:
    return CatalogueError(f"{path}: {where}: {problem}. {fix}")


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(
            f"{path}: file not found. Check the path or restore it from git."
        ) from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(
            f"{path}: not valid YAML ({exc}). Fix the indentation or quoting."
        ) from None


def load_themes(path: Path | None = None) -> dict[str, Theme]:
    """Read data/themes.yml: the pack's theme chapters in order."""
    path = Path(path or paths.themes_path())
    raw = _read_yaml(path)
    items = raw.get("themes") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise _fail(
            path, "top level", "no 'themes:' list", "Add a 'themes:' list of id/title entries."
        )
    themes: dict[str, Theme] = {}
    for i, item in enumerate(items, start=1):
        where = f"theme {i}"
        if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
            raise _fail(
                path, where, "needs 'id' and 'title'", "Give every theme an id and a title."
            )
        if item["id"] in themes:
            raise _fail(path, where, f"duplicate id '{item['id']}'", "Theme ids must be unique.")
        themes[item["id"]] = Theme(
            id=str(item["id"]),
            title=str(item["title"]),
            order=i,
            summary=str(item.get("summary", "")),
        )
    return themes


def _measure_from(raw: dict[str, Any], path: Path, where: str, themes: dict[str, Theme]) -> Measure:
    missing = [k for k in REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise _fail(path, where, f"missing {', '.join(missing)}", "Fill in every required field.")
    if "tracker" in raw:
        raise _fail(
            path,
            f"{where} field 'tracker'",
            "the tracker's measures are no longer set per measure",
            "Remove the line: which measures the tracker follows, from when, is recorded in "
            "data/tracker_sets.yml (`tracker refresh` adds a dated entry).",
        )
    unknown = set(raw) - set(Measure.__dataclass_fields__)
    if unknown:
        raise _fail(
            path,
            where,
            f"unknown field(s) {', '.join(sorted(unknown))}",
            "Remove them or fix the spelling.",
        )
    checks = (("unit", UNITS), ("improvement_direction", DIRECTIONS), ("scorecard", SCORECARDS))
    for key, allowed in checks:
        if raw[key] not in allowed:
            raise _fail(
                path,
                f"{where} field '{key}'",
                f"'{raw[key]}' is not allowed",
                f"Use one of {', '.join(allowed)}.",
            )
    if themes and raw["theme"] not in themes:
        raise _fail(
            path,
            f"{where} field 'theme'",
            f"'{raw['theme']}' is not a theme in themes.yml",
            f"Use one of {', '.join(themes)}.",
        )
    if raw["unit"] in MULTIPLIERS and not (raw.get("numerator") and raw.get("denominator")):
        raise _fail(
            path,
            where,
            f"a {raw['unit']} measure needs 'numerator' and 'denominator'",
            "Define both.",
        )
    target = raw.get("target")
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise _fail(
                path,
                f"{where} field 'target'",
                f"'{target}' is not a number",
                "Write a plain number.",
            )
        if raw["improvement_direction"] == "neutral":
            raise _fail(
                path,
                f"{where} field 'target'",
                "a neutral measure cannot have a target",
                "Remove the target or set the improvement direction.",
            )
    values = dict(raw)
    values.update(_signal_settings(raw, path, where))
    if raw.get("annex_a") is not None:
        values["annex_a"] = _annex_a(raw["annex_a"], raw["unit"], path, f"{where} field 'annex_a'")
    if target is not None:
        values["target"] = float(target)
    for key in ("title", "short_title", "description", "council_plan_ref"):
        if values.get(key) is not None:
            values[key] = str(values[key]).strip()
    return Measure(**values)


def _signal_settings(raw: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
    """rolling_months (a whole number from 2 to 24, or absent) and spc_method, checked."""
    found: dict[str, Any] = {}
    rolling = raw.get("rolling_months")
    if rolling is not None:
        whole = isinstance(rolling, int) and not isinstance(rolling, bool)
        if not whole or not ROLLING_MONTHS[0] <= rolling <= ROLLING_MONTHS[1]:
            raise _fail(
                path,
                f"{where} field 'rolling_months'",
                f"'{rolling}' is not a whole number of months from {ROLLING_MONTHS[0]} to "
                f"{ROLLING_MONTHS[1]}",
                "Write how many months each monthly figure covers (12 for a rolling 12-month "
                "rate), or remove the line for a figure that covers one month.",
            )
        found["rolling_months"] = rolling
    method = raw.get("spc_method", "auto")
    if method not in SPC_METHODS:
        raise _fail(
            path,
            f"{where} field 'spc_method'",
            f"'{method}' is not allowed",
            f"Use one of {', '.join(SPC_METHODS)} (auto decides from the measure's months).",
        )
    found["spc_method"] = method
    return found


def _annex_a(raw: object, unit: str, path: Path, where: str) -> AnnexA:
    """Check an `annex_a:` entry against the rules that exist (list, unit and kind must agree)."""
    from helpers.inputs.annex_a.rulebook import RULES

    if not isinstance(raw, dict):
        raise _fail(
            path, where, "is not a mapping", "Write it as list:, rule:, snapshot:, differs:."
        )
    unknown = set(raw) - set(AnnexA.__dataclass_fields__)
    if unknown:
        raise _fail(
            path,
            where,
            f"unknown key(s) {', '.join(sorted(unknown))}",
            "Use list, rule, snapshot and differs.",
        )
    rule = RULES.get(str(raw.get("rule")))
    if rule is None:
        raise _fail(
            path,
            where,
            f"rule '{raw.get('rule')}' is not an Annex A rule",
            f"Use one of {', '.join(RULES)}.",
        )
    checks = (
        ("list", raw.get("list"), rule.list),
        ("snapshot", bool(raw.get("snapshot", False)), rule.snapshot),
    )
    for key, given, expected in checks:
        if given != expected:
            raise _fail(
                path,
                f"{where} key '{key}'",
                f"'{given}' does not match rule '{rule.name}'",
                f"Rule '{rule.name}' has {key}: {expected}.",
            )
    if rule.unit != unit:
        raise _fail(
            path,
            where,
            f"rule '{rule.name}' gives a {rule.unit} figure but the measure is {unit}",
            "Choose the rule for this measure's unit.",
        )
    differs = raw.get("differs")
    if differs is not None and not isinstance(differs, str):
        raise _fail(path, f"{where} key 'differs'", "is not text", "Write a sentence.")
    return AnnexA(rule.list, rule.name, rule.snapshot, differs.strip() if differs else None)


#: Text fields that may name the council through the {council} placeholder.
PLACEHOLDER_FIELDS = ("title", "short_title", "description", "numerator", "denominator")
PLACEHOLDER = "{council}"
#: What {council} becomes in a catalogue with no council.yml beside it.
NO_COUNCIL = "the council"


def council_name(path: Path) -> str:
    """The name {council} stands for: from the council.yml beside the catalogue."""
    try:
        council = council_for(path.parent)
    except CouncilError as exc:
        raise CouncilSettingError(str(exc)) from None
    return council.name if council else NO_COUNCIL


def fill_placeholders(item: dict[str, Any], name: str, path: Path, where: str) -> dict[str, Any]:
    """A measure's text with {council} replaced; any other {word} is a mistake."""
    filled = dict(item)
    for key in PLACEHOLDER_FIELDS:
        text = filled.get(key)
        if not isinstance(text, str):
            continue
        text = text.replace(PLACEHOLDER, name)
        leftover = re.search(r"\{[A-Za-z_]+\}", text)
        if leftover:
            raise _fail(
                path,
                f"{where} field '{key}'",
                f"'{leftover.group(0)}' is not a placeholder the catalogue knows",
                f"Write {PLACEHOLDER} where the council's name belongs.",
            )
        filled[key] = text
    return filled


def load_catalogue(path: Path | None = None, themes_path: Path | None = None) -> Catalogue:
    """Read and check data/measures.yml (and its themes), naming the council where it says."""
    path = Path(path or paths.catalogue_path())
    tpath = Path(themes_path) if themes_path else path.with_name("themes.yml")
    themes = load_themes(tpath) if tpath.exists() else {}
    raw = _read_yaml(path)
    items = raw.get("measures") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise _fail(path, "top level", "no 'measures:' list", "Add a 'measures:' list.")
    name = council_name(path)
    measures: dict[str, Measure] = {}
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _fail(
                path, f"measure {i}", "is not a mapping", "Write each measure as key: value lines."
            )
        where = f"measure {i} ('{item.get('id', '?')}')"
        item = fill_placeholders(item, name, path, where)
        measure = _measure_from(item, path, where, themes)
        if measure.id in measures:
            raise _fail(path, where, f"duplicate id '{measure.id}'", "Measure ids must be unique.")
        measures[measure.id] = measure
    return Catalogue(measures=measures, themes=themes, path=path)
