"""Who members ask for a deep dive, and how long they have: the `clinic:` block of council.yml.

In the commission's way of working members have a week after the scorecards appear to say which
measures they want at the performance clinic. The pack and the Chair's email name the scrutiny
officer to ask and the last day, so nobody has to find out how.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.inputs.email_settings import EmailSettingsError, is_address

KEYS = ("officer", "email", "days")
DEFAULT_DAYS = 7
MAX_DAYS = 60


@dataclass(frozen=True)
class ClinicSettings:
    """The scrutiny officer who takes deep-dive requests, and the days members have."""

    officer: str
    email: str
    days: int = DEFAULT_DAYS


def _fail(source: str, key: str, problem: str, fix: str) -> EmailSettingsError:
    return EmailSettingsError(f"{source}: key 'clinic.{key}': {problem}. {fix}")


def read_clinic_settings(raw: Any, path: Path | str) -> ClinicSettings | None:
    """The `clinic:` block (None when the file has none); any mistake stops here."""
    source = str(path)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise EmailSettingsError(
            f"{source}: key 'clinic': not a block of 'key: value' lines. Indent officer, email "
            "and days under clinic: (see the demo's data/council.yml)."
        )
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise _fail(
            source,
            unknown[0],
            "is not a clinic setting",
            f"Remove it or fix the spelling (the keys are {', '.join(KEYS)}).",
        )
    officer = str(raw.get("officer") or "").strip()
    if not officer:
        raise _fail(
            source,
            "officer",
            "is missing or empty",
            "Write the scrutiny officer members ask, e.g. 'Sam Smith, Scrutiny Officer'.",
        )
    email = str(raw.get("email") or "").strip()
    if not is_address(email) or "<" in email:
        raise _fail(
            source,
            "email",
            f"'{email}' is not an email address" if email else "is missing or empty",
            "Write the address members write to, e.g. scrutiny@example.org.",
        )
    days = raw.get("days", DEFAULT_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise _fail(
            source,
            "days",
            f"'{days}' is not a whole number of days from 1 to {MAX_DAYS}",
            f"Write how many days after publication members have to ask (default {DEFAULT_DAYS}).",
        )
    return ClinicSettings(officer=officer, email=email, days=days)
