"""Sending through the council's mail server: STARTTLS, SSL or plain; no login, a password or
OAuth2 (XOAUTH2).

All or nothing: every recipient is offered to the server before the message is, and one refused
recipient ends the session (RSET) before any data goes, so nobody gets the email and a second
run after the fix does not send it twice to the others. Every failure names the setting to check
(the file's key, or the environment variable) and says nothing was sent. Secrets come from the
environment or the council's token command only, and never appear in a message.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import subprocess
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import parseaddr

from helpers.inputs.email_settings import (
    HOST_ENV,
    PASSWORD_ENV,
    PORT_ENV,
    SECURITY_ENV,
    TOKEN_ENV,
    EmailSettings,
)

TIMEOUT = 30.0
TOKEN_COMMAND_TIMEOUT = 120
NOTHING_SENT = "Nothing was sent."


class SendError(RuntimeError):
    """The email was not sent; the message says which setting to check."""

    exit_code = 2


def _key(settings: EmailSettings, key: str) -> str:
    return f"email.{key} in {settings.source}"


def password(settings: EmailSettings, environ: Mapping[str, str]) -> str:
    """The SMTP password, from TRACKER_SMTP_PASSWORD only."""
    value = environ.get(PASSWORD_ENV, "")
    if not value:
        raise SendError(
            f"{_key(settings, 'auth')} is password, but {PASSWORD_ENV} is not set. Set it in the "
            "environment of the command that sends (never in a file). " + NOTHING_SENT
        )
    return value


def oauth_token(settings: EmailSettings, environ: Mapping[str, str]) -> str:
    """An OAuth2 access token: TRACKER_SMTP_OAUTH_TOKEN, else the output of oauth_token_command."""
    token = environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    if not settings.oauth_token_command:
        raise SendError(
            f"{_key(settings, 'auth')} is oauth2, but {TOKEN_ENV} is not set and there is no "
            f"{_key(settings, 'oauth_token_command')}. Set one of them (README: Publishing and "
            "email). " + NOTHING_SENT
        )
    command = list(settings.oauth_token_command)
    where = _key(settings, "oauth_token_command")
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TOKEN_COMMAND_TIMEOUT,
            env=dict(environ),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SendError(f"{where}: the command could not run ({exc}). {NOTHING_SENT}") from None
    token = done.stdout.strip()
    if done.returncode != 0 or not token:
        why = done.stderr.strip().splitlines()[-1:] or ["it printed no token"]
        raise SendError(
            f"{where}: the command failed (exit {done.returncode}: {why[0]}). Check it with the "
            f"council's IT, or set {TOKEN_ENV}. {NOTHING_SENT}"
        )
    return token.splitlines()[-1].strip()


def xoauth2(username: str, token: str) -> str:
    """The XOAUTH2 initial response (before base64), as Microsoft 365 and Gmail expect."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _connect(settings: EmailSettings, timeout: float) -> smtplib.SMTP:
    host, port = settings.smtp_host or "", settings.port
    context = ssl.create_default_context()
    where = f"{_key(settings, 'smtp_host')} and email.smtp_port (or {HOST_ENV} and {PORT_ENV})"
    try:
        if settings.security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        server = smtplib.SMTP(host, port, timeout=timeout)
    except ssl.SSLError as exc:
        raise SendError(
            f"The TLS handshake with {host} port {port} failed ({exc.reason or exc}). Check "
            f"{_key(settings, 'security')} (ssl is usually port 465, starttls port 587) or "
            f"{SECURITY_ENV}. {NOTHING_SENT}"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(
            f"Could not reach the mail server {host} port {port} ({exc}). Check {where}, and "
            f"that this machine may connect to it. {NOTHING_SENT}"
        ) from None
    if settings.security == "starttls":
        try:
            server.starttls(context=context)
            server.ehlo()
        except smtplib.SMTPNotSupportedError:
            server.close()
            raise SendError(
                f"The mail server {host} port {port} does not offer STARTTLS. Check "
                f"{_key(settings, 'security')} (ssl for port 465; none only for an internal "
                f"relay) or {SECURITY_ENV}. {NOTHING_SENT}"
            ) from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            server.close()
            raise SendError(
                f"STARTTLS with {host} failed ({exc}). Check {_key(settings, 'smtp_host')} is "
                f"the name on the server's certificate. {NOTHING_SENT}"
            ) from None
    return server


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


def _login(server: smtplib.SMTP, settings: EmailSettings, environ: Mapping[str, str]) -> None:
    if settings.auth == "none":
        return
    user = settings.username or ""
    try:
        if settings.auth == "password":
            server.login(user, password(settings, environ))
            return
        initial = xoauth2(user, oauth_token(settings, environ))
        server.ehlo_or_helo_if_needed()
        server.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")
    except smtplib.SMTPAuthenticationError as exc:
        secret = (
            f"the password in {PASSWORD_ENV}"
            if settings.auth == "password"
            else f"the access token ({TOKEN_ENV} or email.oauth_token_command): it must be "
            "current and allow SMTP.Send for that mailbox"
        )
        raise SendError(
            f"The mail server refused the login for {user} ({_reply(exc.smtp_code, exc.smtp_error)}"
            f"). Check {_key(settings, 'username')} and {secret}. {NOTHING_SENT}"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(
            f"The mail server offers no login. Check {_key(settings, 'auth')} (none for a relay "
            f"that accepts this machine) and email.security (many servers offer login only after "
            f"STARTTLS). {NOTHING_SENT}"
        ) from None


def _envelope(server: smtplib.SMTP, settings: EmailSettings) -> None:
    """MAIL FROM and every RCPT TO; any refusal resets the session before data is sent."""
    sender = parseaddr(settings.sender)[1]
    server.ehlo_or_helo_if_needed()
    code, text = server.mail(sender)
    if code != 250:
        server.rset()
        login = (
            " or set email.auth: the server may need a login"
            if code == 530 or settings.auth == "none"
            else ""
        )
        raise SendError(
            f"The mail server refused the sender {sender} ({_reply(code, text)}). Check "
            f"{_key(settings, 'from')} (the account in email.username must be allowed to send "
            f"as it){login}. {NOTHING_SENT}"
        )
    to = {parseaddr(a)[1].lower() for a in settings.to}
    for address in settings.recipients:
        code, text = server.rcpt(address)
        if code not in (250, 251):
            server.rset()
            key = "to" if address.lower() in to else "cc"
            raise SendError(
                f"The mail server refused the recipient {address} ({_reply(code, text)}). Check "
                f"{_key(settings, key)}. Nothing was sent to anyone."
            )


def send_message(
    message: EmailMessage,
    settings: EmailSettings,
    environ: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> list[str]:
    """Send to every recipient in the settings or to none; return the recipients."""
    environ = os.environ if environ is None else environ
    server = _connect(settings, timeout)
    try:
        _login(server, settings, environ)
        _envelope(server, settings)
        code, text = server.data(message.as_bytes())
    except smtplib.SMTPDataError as exc:
        raise SendError(
            f"The mail server refused the message ({_reply(exc.smtp_code, exc.smtp_error)}). "
            f"Check its size limit if the PDF is attached. {NOTHING_SENT}"
        ) from None
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        raise SendError(
            f"The mail server {settings.smtp_host} closed the connection ({exc}). Check "
            f"{_key(settings, 'security')} and email.smtp_port, and try again. It may not have "
            "been sent: check the Chair's inbox before sending again."
        ) from None
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    return list(settings.recipients)
