"""council.yml's email: and clinic: blocks: the worked example reads, every mistake is named.

Each error names the file, the key and what to do, and a secret in the file is refused with
where it goes instead. The command line stops with exit 2 before anything is sent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from helpers.inputs.council import CouncilError, load_council
from helpers.inputs.email_settings import (
    EmailSettingsError,
    read_email_settings,
    with_environment,
)

GOOD = {
    "from": "Vision Tracker <performance@example.org>",
    "to": ["chair@example.org"],
    "smtp_host": "smtp.example.org",
}


def _council(tmp_path: Path, **blocks) -> Path:
    """A copy of data/council.yml (with authorities.csv beside it) with these blocks."""
    raw = yaml.safe_load((ROOT / "data" / "council.yml").read_text(encoding="utf-8"))
    raw.update(blocks)
    path = tmp_path / "council.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    (tmp_path / "authorities.csv").write_bytes((ROOT / "data" / "authorities.csv").read_bytes())
    return path


def test_the_demos_worked_example_reads() -> None:
    council = load_council(ROOT / "data" / "council.yml")
    settings = council.email
    assert settings.smtp_host == "smtp.office365.com" and settings.port == 587
    assert settings.security == "starttls" and settings.auth == "oauth2"
    assert all(a.endswith("@example.org>") or a.endswith("@example.org") for a in settings.to)
    assert settings.recipients[-1] == "scrutiny@example.org"  # cc
    assert council.clinic.email == "scrutiny@example.org" and council.clinic.days == 7


@pytest.mark.parametrize(
    ("block", "key", "words"),
    [
        ({**GOOD, "password": "hunter2"}, "email.password", "TRACKER_SMTP_PASSWORD"),
        ({**GOOD, "oauth_token": "abc"}, "email.oauth_token", "TRACKER_SMTP_OAUTH_TOKEN"),
        ({**GOOD, "smtp_host": "me:hunter2@smtp.example.org"}, "email.smtp_host", "environment"),
        ({**GOOD, "pack_url": "https://me:pw@example.org/"}, "email.pack_url", "environment"),
    ],
)
def test_a_secret_in_the_file_is_refused_saying_where_it_goes(
    block: dict, key: str, words: str
) -> None:
    with pytest.raises(EmailSettingsError) as caught:
        read_email_settings(block, "data/council.yml")
    message = str(caught.value)
    assert f"data/council.yml: key '{key}'" in message and "refused" in message
    assert words in message
    assert "hunter2" not in message and ":pw@" not in message


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        ({"from": None}, "email.from", "address"),
        ({"to": "not an address"}, "email.to", "name@example.org"),
        ({"to": ["a@example.org", "A@example.org"]}, "email.to", "once"),
        ({"cc": ["ok@example.org", "x"]}, "email.cc (item 2)", "address"),
        ({"smtp_port": "five"}, "email.smtp_port", "587"),
        ({"smtp_port": 70000}, "email.smtp_port", "65535"),
        ({"security": "tls"}, "email.security", "starttls, ssl, none"),
        ({"auth": "basic"}, "email.auth", "none, password, oauth2"),
        ({"auth": "password"}, "email.username", "account"),
        ({"oauth_token_command": "get-token"}, "email.oauth_token_command", "auth: oauth2"),
        ({"smtp_host": "https://smtp.example.org"}, "email.smtp_host", "server's name"),
        ({"pack_url": "intranet"}, "email.pack_url", "served"),
        ({"smtp_server": "x"}, "email.smtp_server", "the keys are"),
    ],
)
def test_each_mistake_names_the_key_and_the_fix(change: dict, key: str, fix: str) -> None:
    with pytest.raises(EmailSettingsError) as caught:
        read_email_settings({**GOOD, **change}, "data/council.yml")
    assert f"data/council.yml: key '{key}'" in str(caught.value)
    assert fix in str(caught.value)


def test_the_environment_overrides_the_server_and_is_checked() -> None:
    settings = read_email_settings(GOOD, "council.yml")
    assert settings.port == 587  # the usual port for the default starttls
    moved = with_environment(
        settings,
        {
            "TRACKER_SMTP_HOST": "relay.example.org",
            "TRACKER_SMTP_PORT": "2525",
            "TRACKER_SMTP_SECURITY": "none",
        },
    )
    assert (moved.smtp_host, moved.port, moved.security) == ("relay.example.org", 2525, "none")
    assert with_environment(settings, {"TRACKER_SMTP_SECURITY": "ssl"}).port == 465
    with pytest.raises(EmailSettingsError, match="environment variable TRACKER_SMTP_SECURITY"):
        with_environment(settings, {"TRACKER_SMTP_SECURITY": "tls"})
    no_host = read_email_settings({k: v for k, v in GOOD.items() if k != "smtp_host"}, "c.yml")
    with pytest.raises(EmailSettingsError, match="TRACKER_SMTP_HOST is not set"):
        with_environment(no_host, {})


def test_the_clinic_block_is_checked(tmp_path: Path) -> None:
    for clinic, key, words in [
        ({"officer": "Sam", "email": "scrutiny"}, "clinic.email", "not an email address"),
        ({"email": "s@example.org"}, "clinic.officer", "missing"),
        ({"officer": "Sam", "email": "s@example.org", "days": "a week"}, "clinic.days", "1 to"),
        ({"officer": "Sam", "email": "s@example.org", "deadline": 7}, "clinic.deadline", "keys"),
    ]:
        path = _council(tmp_path, clinic=clinic)
        with pytest.raises(CouncilError) as caught:
            load_council(path)
        assert f"{path}: key '{key}'" in str(caught.value) and words in str(caught.value)
    ok = load_council(_council(tmp_path, clinic={"officer": "Sam", "email": "s@example.org"}))
    assert ok.clinic.days == 7


def test_a_password_in_council_yml_stops_the_command_line(tmp_path: Path) -> None:
    """Every command reads council.yml: exit 2 with where the password goes, nothing sent."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "_quarto.yml").write_bytes((ROOT / "_quarto.yml").read_bytes())
    for name in ("measures.yml", "themes.yml", "authorities.csv"):
        (project / "data" / name).write_bytes((ROOT / "data" / name).read_bytes())
    raw = yaml.safe_load((ROOT / "data" / "council.yml").read_text(encoding="utf-8"))
    raw["email"]["password"] = "hunter2"
    (project / "data" / "council.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("tracker")), "signals", "--send"],
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_HOME": str(project)},
    )
    assert done.returncode == 2
    assert "key 'email.password'" in done.stderr and "TRACKER_SMTP_PASSWORD" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
