"""The council the pack is for (data/council.yml), checked against the English authorities.

Nothing else in the project names a council: the chapters, captions, data notes, CSV columns
and the catalogue's descriptions take the council's name, region and neighbours from here, and
the benchmarks are picked out of the all-authority table with its codes. The list of English
authorities (data/authorities.csv, with the DfE 2025 statistical-neighbour model) is derived from
the DfE's files by data/scripts/make_benchmarks.py, so the check needs nothing outside data/.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers import paths
from helpers.files import load_yaml
from helpers.inputs.clinic_settings import ClinicSettings, read_clinic_settings
from helpers.inputs.email_settings import EmailSettings, EmailSettingsError, read_email_settings

COUNCIL_FILE = "council.yml"
AUTHORITIES_FILE = "authorities.csv"
#: The neighbour model read from the DfE's file when council.yml names no list of its own.
DFE_MODEL = "dfe_2025"
KEYS = (
    "name",
    "la_code",
    "ons_code",
    "region",
    "commission",
    "statistical_neighbours",
    "demo",
    "email",
    "clinic",
)
REQUIRED = ("name", "la_code", "ons_code", "region", "commission")


class CouncilError(ValueError):
    """council.yml is wrong; the message names the file, the key and what to fix.

    The catalogue, which fills its descriptions in from the council, reports it as a catalogue
    error; the build reports it before anything is built. Either way: exit code 2.
    """

    exit_code = 2


def possessive(name: str) -> str:
    """'Rotherham's' but 'Leeds'': the pack writes a council's name the way a clerk would."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class Authority:
    """One English local authority as the DfE publishes it."""

    la_code: str
    ons_code: str
    name: str
    region_code: str
    region: str
    neighbours: tuple[str, ...]


@dataclass(frozen=True)
class Council:
    """The council this pack is for, with its statistical neighbours."""

    name: str
    la_code: str
    ons_code: str
    region: str
    region_code: str
    commission: str
    neighbour_model: str
    neighbours: tuple[str, ...]
    neighbour_names: tuple[str, ...]
    demo: bool = False
    path: Path | None = None
    #: The Chair's email (the `email:` block), if the council has set it up.
    email: EmailSettings | None = None
    #: Who members ask for a deep dive and how long they have (the `clinic:` block).
    clinic: ClinicSettings | None = None

    @property
    def possessive(self) -> str:
        """'Rotherham's', 'Wigan's'; a name ending in s takes a bare apostrophe."""
        return possessive(self.name)

    @property
    def neighbour_model_words(self) -> str:
        """How members are told where the neighbours come from."""
        if self.neighbour_model == DFE_MODEL:
            return "the Department for Education's 2025 statistical neighbour model"
        return f"the list the council chose ({self.path.name if self.path else COUNCIL_FILE})"


def council_path(root: Path | None = None) -> Path:
    return paths.data_dir(root) / COUNCIL_FILE


def read_authorities(path: Path) -> dict[str, Authority]:
    """data/authorities.csv: old LA code -> the authority and its DfE 2025 neighbours."""
    if not path.exists():
        raise CouncilError(
            f"{path}: file not found. It lists the English authorities; make it with "
            "`.venv/bin/python data/scripts/make_benchmarks.py` or restore it from git."
        )
    found: dict[str, Authority] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            neighbours = tuple(
                row[f"sn_{i}"].strip() for i in range(1, 11) if row.get(f"sn_{i}", "").strip()
            )
            code = row["old_la_code"].strip()
            found[code] = Authority(
                la_code=code,
                ons_code=row["ons_code"].strip(),
                name=row["la_name"].strip(),
                region_code=row["region_code"].strip(),
                region=row["region_name"].strip(),
                neighbours=neighbours,
            )
    return found


def _fail(path: Path, key: str, problem: str, fix: str) -> CouncilError:
    return CouncilError(f"{path}: key '{key}': {problem}. {fix}")


def _code(value: Any) -> str:
    """An LA code as text: 372 and '372' are the same code."""
    if isinstance(value, bool):
        return str(value)
    return str(value).strip()


def _nearest(authorities: dict[str, Authority], name: str) -> str:
    matches = [a for a in authorities.values() if a.name.lower() == str(name).strip().lower()]
    if matches:
        return f" ({matches[0].name} is {matches[0].la_code})"
    return ""


def load_council(path: Path | None = None, authorities_path: Path | None = None) -> Council:
    """Read and check data/council.yml: any mistake stops with the file, key and fix."""
    path = Path(path or council_path())
    authorities = read_authorities(Path(authorities_path or path.with_name(AUTHORITIES_FILE)))
    try:
        raw = load_yaml(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CouncilError(
            f"{path}: file not found. It names the council the pack is for; restore it from git "
            "or write one (name, la_code, ons_code, region, commission)."
        ) from None
    except yaml.YAMLError as exc:
        raise CouncilError(
            f"{path}: not valid YAML ({exc}). Fix the indentation or quoting."
        ) from None
    if not isinstance(raw, dict):
        raise CouncilError(f"{path}: not a list of 'key: value' lines. Restore it from git.")
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise _fail(
            path,
            unknown[0],
            "is not a setting this file has",
            f"Remove it or fix the spelling (the keys are {', '.join(KEYS)}).",
        )
    for key in REQUIRED:
        if raw.get(key) is None or not str(raw.get(key)).strip():
            raise _fail(path, key, "is missing or empty", f"Write the council's {key}.")
    code = _code(raw["la_code"])
    if code not in authorities:
        raise _fail(
            path,
            "la_code",
            f"'{code}' is not the DfE old LA code of an English authority",
            "Use the three-digit code the DfE publishes (e.g. 372 for Rotherham; see "
            f"data/{AUTHORITIES_FILE}){_nearest(authorities, raw['name'])}.",
        )
    authority = authorities[code]
    ons = str(raw["ons_code"]).strip()
    if ons.upper() != authority.ons_code.upper():
        raise _fail(
            path,
            "ons_code",
            f"'{ons}' is not the ONS code of LA {code} ({authority.name})",
            f"Use {authority.ons_code}, or correct la_code.",
        )
    region = str(raw["region"]).strip()
    if region.lower() != authority.region.lower():
        raise _fail(
            path,
            "region",
            f"'{region}' is not the region of LA {code} ({authority.name})",
            f"Use '{authority.region}'.",
        )
    model = raw.get("statistical_neighbours", DFE_MODEL)
    if model in (None, DFE_MODEL):
        model_name, neighbours = DFE_MODEL, authority.neighbours
    elif isinstance(model, list) and model:
        model_name = "own"
        neighbours = tuple(_code(n) for n in model)
        for i, neighbour in enumerate(neighbours, start=1):
            if neighbour not in authorities:
                raise _fail(
                    path,
                    f"statistical_neighbours (item {i})",
                    f"'{neighbour}' is not the DfE old LA code of an English authority",
                    f"Use codes listed in data/{AUTHORITIES_FILE}, or write '{DFE_MODEL}'.",
                )
            if neighbour == code:
                raise _fail(
                    path,
                    f"statistical_neighbours (item {i})",
                    f"'{neighbour}' is the council itself",
                    "List only other authorities.",
                )
        if len(set(neighbours)) != len(neighbours):
            raise _fail(
                path,
                "statistical_neighbours",
                "lists an authority twice",
                "List each neighbour once.",
            )
    else:
        raise _fail(
            path,
            "statistical_neighbours",
            f"'{model}' is neither '{DFE_MODEL}' nor a list of LA codes",
            f"Write '{DFE_MODEL}' or a list such as [370, 371, 384].",
        )
    demo = raw.get("demo", False)
    if not isinstance(demo, bool):
        raise _fail(path, "demo", f"'{demo}' is not true or false", "Write true or false.")
    try:
        email = read_email_settings(raw.get("email"), path)
        clinic = read_clinic_settings(raw.get("clinic"), path)
    except EmailSettingsError as exc:
        raise CouncilError(str(exc)) from None
    return Council(
        name=str(raw["name"]).strip(),
        la_code=code,
        ons_code=authority.ons_code,
        region=authority.region,
        region_code=authority.region_code,
        commission=str(raw["commission"]).strip(),
        neighbour_model=model_name,
        neighbours=neighbours,
        neighbour_names=tuple(authorities[n].name for n in neighbours),
        demo=demo,
        path=path,
        email=email,
        clinic=clinic,
    )


def council_for(data_dir: Path) -> Council | None:
    """The council named in a data folder, or None where it has no council.yml."""
    path = data_dir / COUNCIL_FILE
    return load_council(path) if path.exists() else None
