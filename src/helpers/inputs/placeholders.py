"""Values `tracker init` leaves for the council to fill in, and the warnings while they stay.

A new project cannot know the scrutiny commission's name or who agreed the first tracker set,
so init writes a clearly marked placeholder instead. The pack still builds (the placeholder
shows where the words go), but every `tracker build` warns until the real words are written.
"""

from __future__ import annotations

from pathlib import Path

from helpers import paths
from helpers.files import load_yaml

#: Every placeholder starts with this, so one test finds them all.
MARK = "TO SET:"
COMMISSION = f"{MARK} the scrutiny commission's name"
AGREED_BY = f"{MARK} who agreed this set, e.g. the scrutiny commission, meeting of DD Month YYYY"


def is_placeholder(value: object) -> bool:
    """Whether a value is still one init wrote for the council to replace."""
    return isinstance(value, str) and value.strip().upper().startswith(MARK)


def _read(path: Path) -> object:
    try:
        return load_yaml(path.read_text(encoding="utf-8-sig"))
    except Exception:  # a file that cannot be read is reported by its own checks, not here
        return None


def unset_warnings(root: Path | None = None) -> list[str]:
    """One sentence per placeholder still in data/council.yml and data/tracker_sets.yml."""
    data = paths.data_dir(root)
    found: list[str] = []
    council = _read(data / "council.yml")
    if isinstance(council, dict) and is_placeholder(council.get("commission")):
        found.append(
            f"{data / 'council.yml'}: key 'commission' is still the placeholder "
            f"'{council['commission']}'. Write the scrutiny commission's name: the pack's cover "
            "and chapters print it."
        )
    sets = _read(data / "tracker_sets.yml")
    entries = sets.get("sets") if isinstance(sets, dict) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if isinstance(entry, dict) and is_placeholder(entry.get("agreed_by")):
            found.append(
                f"{data / 'tracker_sets.yml'}: entry {index}'s 'agreed_by' is still the "
                "placeholder. Write who agreed the tracker's measures (the meeting and its "
                "date): the pack says who agreed the set."
            )
    return found
