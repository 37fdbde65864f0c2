"""The Chair's email settings: the `email:` block of data/council.yml, checked before any use.

The file says who the email goes to and through which mail server; secrets never live in it.
A password comes only from the environment (TRACKER_SMTP_PASSWORD) and an OAuth2 token from
TRACKER_SMTP_OAUTH_TOKEN or a command the council's IT supplies, so the file can be committed
and shared. Settings that hold a secret are refused with a message saying where it goes. The
environment can also point the same settings at another server (TRACKER_SMTP_HOST, _PORT,
_SECURITY), e.g. a test relay, without editing the file.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SECURITY = ("starttls", "ssl", "none")
AUTH = ("none", "password", "oauth2")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
KEYS = (
    "from",
    "to",
    "cc",
    "smtp_host",
    "smtp_port",
    "security",
    "username",
    "auth",
    "oauth_token_command",
    "pack_url",
)
#: Keys that would put a secret in the file; each is refused with where the secret goes.
SECRET_KEYS = (
    "password",
    "pass",
    "passwd",
    "smtp_password",
    "secret",
    "client_secret",
    "token",
    "oauth_token",
    "access_token",
    "api_key",
)
PASSWORD_ENV = "TRACKER_SMTP_PASSWORD"
TOKEN_ENV = "TRACKER_SMTP_OAUTH_TOKEN"
HOST_ENV = "TRACKER_SMTP_HOST"
PORT_ENV = "TRACKER_SMTP_PORT"
SECURITY_ENV = "TRACKER_SMTP_SECURITY"
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$")


class EmailSettingsError(ValueError):
    """The email settings are wrong: the message names the file (or variable), key and fix."""

    exit_code = 2


@dataclass(frozen=True)
class EmailSettings:
    """Where the Chair's email goes and how it reaches the mail server (no secrets)."""

    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    smtp_host: str | None = None
    smtp_port: int | None = None
    security: str = "starttls"
    username: str | None = None
    auth: str = "none"
    oauth_token_command: tuple[str, ...] = ()
    pack_url: str | None = None
    #: Where the settings came from, for messages ("data/council.yml").
    source: str = "council.yml"

    @property
    def port(self) -> int:
        """The port to use: the one given, else the usual one for the security."""
        return self.smtp_port or DEFAULT_PORTS[self.security]

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every envelope recipient (to and cc), as bare addresses."""
        return tuple(parseaddr(a)[1] for a in (*self.to, *self.cc))


def is_address(text: str) -> bool:
    """Whether text is one email address, bare or as 'Name <address>'."""
    name, address = parseaddr(text)
    return bool(address) and bool(_ADDRESS.match(address)) and "\n" not in text


def _key(source: str, key: str) -> str:
    return f"{source}: key 'email.{key}'"


def _fail(where: str, problem: str, fix: str) -> EmailSettingsError:
    """`where` is "FILE: key 'email.KEY'" or "environment variable NAME"."""
    return EmailSettingsError(f"{where}: {problem}. {fix}")


def _secret_message(where: str) -> EmailSettingsError:
    return EmailSettingsError(
        f"{where} would put a secret in a file, which is refused. Remove it: "
        f"a password goes only in the environment variable {PASSWORD_ENV} (with auth: password), "
        f"an OAuth2 access token in {TOKEN_ENV} or the output of oauth_token_command (with "
        "auth: oauth2). README: Publishing and email."
    )


def _addresses(source: str, key: str, value: Any, required: bool) -> tuple[str, ...]:
    if value is None or value == [] or value == "":
        if required:
            raise _fail(
                _key(source, key), "is missing or empty", "Give one address or a list of addresses."
            )
        return ()
    items = value if isinstance(value, list) else [value]
    found = []
    for i, item in enumerate(items, start=1):
        where = key if len(items) == 1 else f"{key} (item {i})"
        if not isinstance(item, str) or not is_address(item.strip()):
            raise _fail(
                _key(source, where),
                f"'{item}' is not an email address",
                "Write it as name@example.org or 'Name <name@example.org>', one per item.",
            )
        found.append(item.strip())
    bare = [parseaddr(a)[1].lower() for a in found]
    if len(set(bare)) != len(bare):
        raise _fail(_key(source, key), "lists an address twice", "List each address once.")
    return tuple(found)


def _host(where: str, value: Any) -> str:
    text = str(value).strip()
    if "@" in text and ":" in text.split("@")[0]:
        raise _secret_message(where)  # user:password@host
    if "://" in text or "@" in text:
        raise _fail(
            where,
            f"'{text}' is not a host name",
            "Write only the server's name, e.g. smtp.office365.com.",
        )
    if not _HOST.match(text):
        raise _fail(where, f"'{text}' is not a host name", "Write e.g. smtp.example.org.")
    return text


def _port(where: str, value: Any) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = -1
    if isinstance(value, bool) or not 1 <= port <= 65535:
        raise _fail(
            where,
            f"'{value}' is not a port number",
            "Write a number from 1 to 65535 (587 for starttls, 465 for ssl, 25 for none).",
        )
    return port


def _choice(where: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise _fail(where, f"'{value}' is not one of {', '.join(allowed)}", "Use one of those.")
    return text


def _command(source: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    if isinstance(value, str) and value.strip():
        try:
            return tuple(shlex.split(value))
        except ValueError as exc:
            raise _fail(
                _key(source, "oauth_token_command"),
                f"cannot be split into a command ({exc})",
                "Check its quoting, or write it as a list of words.",
            ) from None
    raise _fail(
        _key(source, "oauth_token_command"),
        f"'{value}' is not a command",
        "Write the command whose output is the access token, as text or a list of words.",
    )


def _url(source: str, value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.password:
        raise _secret_message(_key(source, "pack_url"))
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
        raise _fail(
            _key(source, "pack_url"),
            f"'{text}' is not a web address",
            "Write where the published folder is served, e.g. "
            "https://intranet.example.org/scrutiny/vision-tracker/.",
        )
    return text


def read_email_settings(raw: Any, path: Path | str) -> EmailSettings | None:
    """The `email:` block as settings (None when the file has none); any mistake stops here."""
    source = str(path)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise EmailSettingsError(
            f"{source}: key 'email': not a block of 'key: value' lines. Indent its keys under "
            "email: (see the worked example in the demo's data/council.yml)."
        )
    for key in map(str, raw):
        if key.lower() in SECRET_KEYS:
            raise _secret_message(_key(source, key))
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise _fail(
            _key(source, unknown[0]),
            "is not an email setting",
            f"Remove it or fix the spelling (the keys are {', '.join(KEYS)}).",
        )
    sender = _addresses(source, "from", raw.get("from"), required=True)
    if len(sender) != 1:
        raise _fail(_key(source, "from"), "names more than one address", "Give the one sender.")
    security = _choice(_key(source, "security"), raw.get("security", "starttls"), SECURITY)
    auth = _choice(_key(source, "auth"), raw.get("auth", "none"), AUTH)
    username = raw.get("username")
    username = str(username).strip() if username is not None and str(username).strip() else None
    if auth != "none" and username is None:
        raise _fail(
            _key(source, "username"),
            f"is missing, but auth is {auth}",
            "Write the account the mail server knows (usually the sending mailbox).",
        )
    command = raw.get("oauth_token_command")
    if command is not None and auth != "oauth2":
        raise _fail(
            _key(source, "oauth_token_command"),
            f"is only used with auth: oauth2 (auth is {auth})",
            "Remove it, or set auth: oauth2.",
        )
    return EmailSettings(
        sender=sender[0],
        to=_addresses(source, "to", raw.get("to"), required=True),
        cc=_addresses(source, "cc", raw.get("cc"), required=False),
        smtp_host=_host(_key(source, "smtp_host"), raw["smtp_host"])
        if raw.get("smtp_host")
        else None,
        smtp_port=_port(_key(source, "smtp_port"), raw["smtp_port"])
        if raw.get("smtp_port") is not None
        else None,
        security=security,
        username=username,
        auth=auth,
        oauth_token_command=_command(source, command) if command is not None else (),
        pack_url=_url(source, raw["pack_url"]) if raw.get("pack_url") else None,
        source=source,
    )


def with_environment(settings: EmailSettings, environ: Mapping[str, str]) -> EmailSettings:
    """The settings with TRACKER_SMTP_HOST, _PORT and _SECURITY applied, each checked."""
    changes: dict[str, Any] = {}
    if environ.get(HOST_ENV, "").strip():
        changes["smtp_host"] = _host(f"environment variable {HOST_ENV}", environ[HOST_ENV])
    if environ.get(PORT_ENV, "").strip():
        changes["smtp_port"] = _port(f"environment variable {PORT_ENV}", environ[PORT_ENV])
    if environ.get(SECURITY_ENV, "").strip():
        where = f"environment variable {SECURITY_ENV}"
        changes["security"] = _choice(where, environ[SECURITY_ENV], SECURITY)
    merged = replace(settings, **changes)
    if merged.smtp_host is None:
        raise EmailSettingsError(
            f"{settings.source}: key 'email.smtp_host' is missing and {HOST_ENV} is not set. "
            "Write the council's mail server (e.g. smtp.office365.com) in the file, or set "
            f"{HOST_ENV}."
        )
    return merged
