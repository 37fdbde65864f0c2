"""The Chair's email through a real SMTP server (aiosmtpd on 127.0.0.1, a free port).

Nothing leaves the machine and nothing imitates smtplib: the server in the test receives the
message, checks logins (a password; an XOAUTH2 token, from the environment or from a token
command) and refuses what a real server would refuse. What arrived is parsed as a mail program
would.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from conftest import DEMO_PERIOD, ROOT, make_project
from delivery_packs import copy_pack, with_pdf

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
aiosmtpd = pytest.importorskip("aiosmtpd", reason="pip install -e '.[dev]' (aiosmtpd)")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

from helpers.analysis.month import read_month  # noqa: E402
from helpers.delivery.message import chair_email  # noqa: E402
from helpers.delivery.smtp import SendError, send_message  # noqa: E402
from helpers.inputs.email_settings import read_email_settings  # noqa: E402

TRACKER = str(Path(sys.executable).with_name("tracker"))
USER = "performance@example.org"
PASSWORD = "correct horse battery staple"
TOKEN = "eyJ0eXAiOiJKV1Qi.test-access-token"


@dataclass
class Mailroom:
    """The test server's side: what it was sent, what it accepts and refuses."""

    password: str | None = None
    token: str | None = None
    refuse: set[str] = field(default_factory=set)
    received: list = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"

    async def auth_XOAUTH2(self, server, args):  # noqa: N802
        """XOAUTH2 as Microsoft 365 answers it: the token is checked, an error is a 334 first."""
        text = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        fields = dict(p.split("=", 1) for p in text.split("\x01") if "=" in p)
        if fields.get("user") == USER and fields.get("auth") == f"Bearer {self.token}":
            self.logins.append(f"xoauth2:{fields['user']}")
            return AuthResult(success=True, auth_data=fields["user"])
        await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        return AuthResult(success=False, handled=False)

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == self.password
        if ok:
            self.logins.append(f"{mechanism.lower()}:{USER}")
        return AuthResult(success=ok, handled=False)  # a failure answers 535 at once


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start a server: smtp_server(password=..., token=..., refuse=..., auth_required=...)."""
    running = []

    def start(auth_required: bool = False, tls: dict | None = None, **room) -> tuple[Mailroom, int]:
        mailroom = Mailroom(**room)
        port = _free_port()
        controller = Controller(
            mailroom,
            hostname="127.0.0.1",
            port=port,
            authenticator=mailroom.authenticator,
            auth_required=auth_required,
            # plain on 127.0.0.1 unless `tls` says otherwise
            **{"auth_require_tls": False, **(tls or {})},
        )
        controller.start()
        running.append(controller)
        return mailroom, port

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture(scope="module")
def pack_output(tmp_path_factory: pytest.TempPathFactory, demo_pack) -> Path:
    """output/ with the demo month (built without Quarto) and a real PDF where the pack's goes."""
    output = tmp_path_factory.mktemp("email-output")
    with_pdf(copy_pack(demo_pack.folder, output))
    return output


def _settings(port: int, **extra):
    raw = {
        "from": f"Vision Tracker <{USER}>",
        "to": ["Chair <chair@example.org>", "lead.member@example.org"],
        "cc": "scrutiny@example.org",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        **extra,
    }
    return read_email_settings(raw, "council.yml")


@pytest.fixture(scope="module")
def month(pack_output: Path):
    return read_month(pack_output / DEMO_PERIOD, ROOT)


def _project(tmp_path: Path, email_block: dict) -> Path:
    """A copy of the project whose council.yml has this email block (and the demo's clinic)."""
    project = make_project(tmp_path / "project", ["index.ipynb"])
    path = project / "data" / "council.yml"
    council = yaml.safe_load(path.read_text(encoding="utf-8"))
    council["email"] = email_block
    path.write_text(yaml.safe_dump(council, sort_keys=False), encoding="utf-8")
    return project


def _signals(
    project: Path, output: Path, store: Path, *args: str, **env: str
) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_SMTP_")}
    return subprocess.run(
        [TRACKER, "signals", "--period", DEMO_PERIOD, "--store", str(store)]
        + ["--output", str(output), *args],
        capture_output=True,
        text=True,
        env={**environ, "TRACKER_HOME": str(project), **env},
    )


DEMO_EMAIL = yaml.safe_load((ROOT / "data" / "council.yml").read_text(encoding="utf-8"))["email"]


def test_the_chairs_email_arrives_with_recipients_parts_subject_and_pdf(
    smtp_server, pack_output: Path, demo_store: Path, tmp_path: Path
) -> None:
    """The demo council.yml's worked example, pointed at the test server by the environment."""
    mailroom, port = smtp_server()
    project = _project(tmp_path, {**DEMO_EMAIL, "auth": "none"})
    done = _signals(
        project,
        pack_output,
        demo_store,
        "--send",
        "--attach-pdf",
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=str(port),
        TRACKER_SMTP_SECURITY="none",
    )
    assert done.returncode == 0, done.stderr
    assert "to 3 recipient(s)" in done.stdout
    [(sender, recipients, raw)] = mailroom.received
    assert sender == USER
    assert recipients == [
        "chair@example.org",
        "lead.member@example.org",
        "scrutiny@example.org",
    ]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == (
        "Rotherham children's services performance, October 2026: the Chair's summary"
    )
    assert "chair@example.org" in message["To"] and "lead.member@example.org" in message["To"]
    assert message["Cc"] == "scrutiny@example.org"
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    assert "the Chair's summary for October 2026" in text
    assert "https://intranet.example.org/scrutiny/vision-tracker/2026-10/" in text
    lowered = page.lower()
    for banned in ("<script", "<img", "<link", "<style", "javascript:", "src="):
        assert banned not in lowered, banned
    assert 'style="' in page
    [pdf] = [p for p in message.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"vision-tracker-{DEMO_PERIOD}.pdf"
    assert pdf.get_content()[:5] == b"%PDF-"


def test_the_deadline_sentence_is_in_the_email(month, pack_output: Path) -> None:
    """Published day plus council.yml's clinic days, in both parts, with a mailto: link."""
    import datetime as dt

    settings = _settings(25)
    message = chair_email(month, settings, "Rotherham", link="https://example.org/p/")
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    day = dt.date.fromisoformat(month.published) + dt.timedelta(days=7)
    when = f"{day:%A} {day.day} {day:%B %Y}"
    flat = " ".join(text.split())
    assert f"email {month.council.clinic.officer} (scrutiny@example.org) by {when}" in flat
    assert when in page and 'href="mailto:scrutiny@example.org?subject=' in page
    assert 'href="https://example.org/p/"' in page


def test_password_login(smtp_server, month) -> None:
    mailroom, port = smtp_server(password=PASSWORD, auth_required=True)
    settings = _settings(port, auth="password", username=USER)
    message = chair_email(month, settings, "Rotherham")
    sent = send_message(message, settings, {"TRACKER_SMTP_PASSWORD": PASSWORD})
    assert len(sent) == 3 and len(mailroom.received) == 1
    assert mailroom.logins and mailroom.logins[0].endswith(USER)


def test_xoauth2_with_the_token_from_the_environment(smtp_server, month) -> None:
    mailroom, port = smtp_server(token=TOKEN, auth_required=True)
    settings = _settings(port, auth="oauth2", username=USER)
    send_message(chair_email(month, settings, "R"), settings, {"TRACKER_SMTP_OAUTH_TOKEN": TOKEN})
    assert mailroom.logins == [f"xoauth2:{USER}"] and len(mailroom.received) == 1


def test_xoauth2_with_the_token_from_the_councils_command(
    smtp_server, month, tmp_path: Path
) -> None:
    mailroom, port = smtp_server(token=TOKEN, auth_required=True)
    script = tmp_path / "get_token.py"
    script.write_text(f"print('fetching a token', file=__import__('sys').stderr)\nprint({TOKEN!r})")
    settings = _settings(
        port, auth="oauth2", username=USER, oauth_token_command=[sys.executable, str(script)]
    )
    send_message(chair_email(month, settings, "R"), settings, {})
    assert mailroom.logins == [f"xoauth2:{USER}"] and len(mailroom.received) == 1


def test_xoauth2_through_the_command_line(
    smtp_server, pack_output: Path, demo_store: Path, tmp_path: Path
) -> None:
    mailroom, port = smtp_server(token=TOKEN, auth_required=True)
    script = tmp_path / "token.py"
    script.write_text(f"print({TOKEN!r})")
    block = {
        **DEMO_EMAIL,
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        "oauth_token_command": f"{sys.executable} {script}",
    }
    done = _signals(_project(tmp_path, block), pack_output, demo_store, "--send")
    assert done.returncode == 0, done.stderr
    assert mailroom.logins == [f"xoauth2:{USER}"] and len(mailroom.received) == 1


def test_a_wrong_token_is_refused_with_the_setting_to_check(smtp_server, month) -> None:
    mailroom, port = smtp_server(token=TOKEN, auth_required=True)
    settings = _settings(port, auth="oauth2", username=USER)
    with pytest.raises(SendError, match="refused the login") as caught:
        send_message(chair_email(month, settings, "R"), settings, {"TRACKER_SMTP_OAUTH_TOKEN": "x"})
    assert "TRACKER_SMTP_OAUTH_TOKEN" in str(caught.value) and mailroom.received == []


def test_failures_exit_2_with_a_message_and_send_nothing(
    smtp_server, pack_output: Path, demo_store: Path, tmp_path: Path
) -> None:
    mailroom, port = smtp_server(password=PASSWORD, refuse={"lead.member@example.org"})
    project = _project(
        tmp_path,
        {**DEMO_EMAIL, "auth": "password", "smtp_host": "127.0.0.1", "security": "none"},
    )

    def run(**env: str) -> subprocess.CompletedProcess:
        return _signals(project, pack_output, demo_store, "--send", **env)

    down = run(TRACKER_SMTP_PORT=str(_free_port()), TRACKER_SMTP_PASSWORD=PASSWORD)
    assert down.returncode == 2
    assert "Could not reach the mail server 127.0.0.1" in down.stderr
    assert "email.smtp_host" in down.stderr and "TRACKER_SMTP_PORT" in down.stderr

    wrong = run(TRACKER_SMTP_PORT=str(port), TRACKER_SMTP_PASSWORD="wrong")
    assert wrong.returncode == 2 and "refused the login for performance@example.org" in wrong.stderr
    assert "email.username" in wrong.stderr and "TRACKER_SMTP_PASSWORD" in wrong.stderr
    assert PASSWORD not in wrong.stderr + wrong.stdout and "wrong" not in wrong.stderr

    unset = run(TRACKER_SMTP_PORT=str(port))
    assert unset.returncode == 2 and "TRACKER_SMTP_PASSWORD is not set" in unset.stderr

    refused = run(TRACKER_SMTP_PORT=str(port), TRACKER_SMTP_PASSWORD=PASSWORD)
    assert refused.returncode == 2
    assert "refused the recipient lead.member@example.org" in refused.stderr
    assert "email.to" in refused.stderr and "Nothing was sent to anyone" in refused.stderr
    assert mailroom.received == [], "a refused recipient must stop the whole send"

    bad_env = run(TRACKER_SMTP_PORT="smtp", TRACKER_SMTP_PASSWORD=PASSWORD)
    assert bad_env.returncode == 2 and "TRACKER_SMTP_PORT" in bad_env.stderr


def test_a_server_that_needs_a_login_says_to_set_auth(smtp_server, month) -> None:
    mailroom, port = smtp_server(password=PASSWORD, auth_required=True)
    settings = _settings(port)
    with pytest.raises(SendError, match=r"email\.auth"):
        send_message(chair_email(month, settings, "R"), settings, {})
    assert mailroom.received == []


def test_eml_is_the_same_message_written_not_sent(
    pack_output: Path, demo_store: Path, tmp_path: Path
) -> None:
    eml = tmp_path / "dry-run.eml"
    done = _signals(
        _project(tmp_path, DEMO_EMAIL),
        pack_output,
        demo_store,
        "--eml",
        str(eml),
        "--link",
        "https://example.org/packs/2026-10/",
    )
    assert done.returncode == 0, done.stderr and "nothing was sent" in done.stdout
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert "October 2026" in message["Subject"] and "Rotherham" in message["Subject"]
    assert "https://example.org/packs/2026-10/" in message.get_body(("plain",)).get_content()
    assert list(message.iter_attachments()) == []


def test_attach_pdf_without_a_pdf_exits_2(demo_pack, demo_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    copy_pack(demo_pack.folder, output)
    done = _signals(
        _project(tmp_path, DEMO_EMAIL), output, demo_store, "--eml", "x.eml", "--attach-pdf"
    )
    assert done.returncode == 2 and "no members' PDF for 2026-10" in done.stderr


def test_mailto_links_in_the_html_one_per_measure(demo_pack) -> None:
    """Every measure of the theme chapters offers the request email (HTML only), none twice."""
    from chapter_markdown import lines_with_visibility, markdown_outputs

    links = []
    for notebook in sorted((demo_pack.folder / "notebooks").glob("*.ipynb")):
        for line in lines_with_visibility(markdown_outputs(notebook)):
            for url in re.findall(
                r"\[Ask for a deep dive on this measure\]\((mailto:[^)]*)\)", line.text
            ):
                assert line.html_only, "the request link is for the HTML book"
                links.append(url)
    subjects = [parse_qs(urlsplit(u).query)["subject"][0] for u in links]
    assert len(links) == 47 and len(set(subjects)) == 47
    assert all(u.startswith("mailto:scrutiny@example.org?subject=") for u in links)
    assert all(
        s.startswith("Deep dive request: ") and s.endswith(" (October 2026)") for s in subjects
    )
    body = unquote(parse_qs(urlsplit(links[0]).query, keep_blank_values=True)["body"][0])
    assert "Your name" in body and "Your question" in body


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl program."""
    import shutil

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl program is not installed, to make the test server's certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_password_login(
    smtp_server, month, certificate, security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate is checked (trusted here through SSL_CERT_FILE), then the login."""
    context = _server_context(certificate)
    tls = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if security == "starttls"
        else {"ssl_context": context, "auth_require_tls": False}
    )
    mailroom, port = smtp_server(password=PASSWORD, auth_required=True, tls=tls)
    settings = _settings(port, security=security, auth="password", username=USER)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    send_message(chair_email(month, settings, "R"), settings, {"TRACKER_SMTP_PASSWORD": PASSWORD})
    assert mailroom.logins and len(mailroom.received) == 1


def test_an_untrusted_certificate_or_no_starttls_names_the_setting(
    smtp_server, month, certificate
) -> None:
    context = _server_context(certificate)
    mailroom, port = smtp_server(tls={"tls_context": context})
    settings = _settings(port, security="starttls")
    with pytest.raises(SendError, match="smtp_host"):  # not trusted: the certificate's name
        send_message(chair_email(month, settings, "R"), settings, {})
    plain, plain_port = smtp_server()
    settings = _settings(plain_port, security="starttls")
    with pytest.raises(SendError, match=r"does not offer STARTTLS. Check email\.security"):
        send_message(chair_email(month, settings, "R"), settings, {})
    assert mailroom.received == [] and plain.received == []
