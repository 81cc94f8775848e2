"""Shared fixtures: the masthead CLI, sites on SQLite and on a real PostgreSQL server.

Tests drive Masthead through its stable interfaces: the command line (in a
subprocess, as a user runs it) and HTTP. Every server they start listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_CONTENT = ROOT / "masthead" / "demo" / "content"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run_masthead(*args: str | Path, site: Path | None = None, check: bool = True,
                 env: dict | None = None, timeout: float = 300,
                 input: str | None = None) -> Result:
    cmd = [sys.executable, "-m", "masthead"]
    if site is not None:
        cmd += ["--site", str(site)]
    cmd += [str(a) for a in args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, check=False)
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        raise AssertionError(f"masthead {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return result


@pytest.fixture
def masthead():
    return run_masthead


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------- PostgreSQL


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15", "14"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")


class PostgresServer:
    """A throwaway PostgreSQL server in a temporary directory, on 127.0.0.1."""

    def __init__(self, base: Path):
        self.base = base
        self.port = free_port()
        self.data = base / "data"
        as_root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(base, "postgres", "postgres")
        subprocess.run([*self.prefix, _pg_bin("initdb"), "-D", str(self.data), "-A", "trust",
                        "-U", "masthead", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*self.prefix, _pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-o",
                        f"-p {self.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "-l", str(base / "log"), "start"], check=True, capture_output=True)

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host="127.0.0.1", port=self.port, user="masthead",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://masthead@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.prefix, _pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast",
                        "stop"], capture_output=True, check=False)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's private temp dir: the postgres user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="masthead-pg-"))
    os.chmod(base, 0o755)
    server = PostgresServer(base)
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


# ------------------------------------------------------------------------------ sites


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str | None:
    """Run the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").create_database()


_FRESH_SITES: dict[tuple[str, str, bool], tuple[Path, str | None]] = {}


def _fresh_site(title: str, url: str, database_url: str | None) -> tuple[Path, str | None]:
    """A site `masthead init` made once per test process for this title, address and kind
    of database; tests get copies of it (a copied SQLite file, a PostgreSQL database made
    from it as a template), which is what init would make, without paying for the
    migrations each time. Its secret key is left out, so each copy makes its own."""
    key = (title, url, database_url is not None)
    if key not in _FRESH_SITES:
        folder = Path(tempfile.mkdtemp(prefix="masthead-fresh-")) / "site"
        args = ["init", folder, "--title", title, "--url", url]
        if database_url:
            database_url = _new_database_beside(database_url, "fresh_")
            args += ["--database-url", database_url]
        run_masthead(*args)
        (folder / ".masthead" / "secret_key").unlink(missing_ok=True)
        _FRESH_SITES[key] = (folder, database_url if key[2] else None)
    return _FRESH_SITES[key]


def _server_sql(database_url: str, *statements: str) -> None:
    """Run statements on the PostgreSQL server of ``database_url`` (outside any database)."""
    import psycopg

    server, _ = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _new_database_beside(database_url: str, prefix: str) -> str:
    server, _ = database_url.rsplit("/", 1)
    name = prefix + uuid.uuid4().hex[:12]
    _server_sql(database_url, f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _copy_database(template_url: str, database_url: str) -> None:
    """Replace the (new, empty) database of ``database_url`` by a copy of the template's."""
    template = template_url.rsplit("/", 1)[1]
    name = database_url.rsplit("/", 1)[1]
    _server_sql(database_url, f'DROP DATABASE "{name}"',
                f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def make_site(tmp_path: Path, database_url: str | None = None, *, title: str = "Test Site",
              url: str = "https://essays.example.org/") -> Path:
    """A new site, as `masthead init --title TITLE --url URL [--database-url ...]` makes it."""
    site = tmp_path / "site"
    fresh, template_url = _fresh_site(title, url, database_url)
    if database_url:
        _copy_database(template_url, database_url)
    shutil.copytree(fresh, site)
    if database_url:
        toml = site / "masthead.toml"
        toml.write_text(toml.read_text().replace(template_url, database_url))
    return site


@pytest.fixture
def site(tmp_path, database_url) -> Path:
    """An empty site, on each database."""
    return make_site(tmp_path, database_url)


@pytest.fixture
def sqlite_site(tmp_path) -> Path:
    return make_site(tmp_path)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo site, built once for the tests that only read it."""
    root = tmp_path_factory.mktemp("demo") / "site"
    run_masthead("demo", root, "--no-serve")
    return root


# ----------------------------------------------------------------------------- server


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float) -> None:
    """Until something listens on 127.0.0.1:port; fail with proc's output if it exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout or proc.stderr
                raise RuntimeError(f"{what} did not start: {out.read() if out else ''}"
                                   ) from None
            time.sleep(0.1)


@contextlib.contextmanager
def serving(site: Path, *, worker: bool = True) -> Iterator[str]:
    """`masthead serve` on a free port (with its background worker, unless told not);
    yields the base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "serve",
                             "--port", str(port), *([] if worker else ["--no-worker"])],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, proc, "masthead serve", 30)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def demo_server(demo_site) -> Iterator[str]:
    with serving(demo_site) as url:
        yield url


class MailSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it gets."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.raw: list[bytes] = []
        self.senders: list[str] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        import email
        from email import policy

        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, msg))
        self.raw.append(envelope.original_content or envelope.content)
        self.senders.append(envelope.mail_from)
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages arrived")
            time.sleep(0.1)
        return self.messages


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


def configure_smtp(site: Path, sink: MailSink) -> None:
    with (site / "masthead.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {sink.port}\nsecurity = "none"\n'
                'from_address = "Test Site <site@example.org>"\n')


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is missing: apt-get install chromium (make test does it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def node_module(*parts: str) -> Path:
    path = ROOT.joinpath("node_modules", *parts)
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run `npm install` (make test does it)")
    return path


def self_signed_certificate(root: Path) -> None:
    """A self-signed certificate for 127.0.0.1 (Python's ssl checks the IP address), as
    root/cert.pem and root/key.pem, for the TLS servers the tests start."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


@contextlib.contextmanager
def nginx(folder: Path, port: int, http: str) -> Iterator[None]:
    """Debian's nginx in the foreground, all its files in folder; ``http`` is what goes
    in its http block besides the temporary paths."""
    (folder / "logs").mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""daemon off; master_process off; pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
{http}
}}
""")
    proc = subprocess.Popen(["/usr/sbin/nginx", "-p", str(folder), "-c", str(conf)],
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, proc, "nginx", 10)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def https_proxy(folder: Path, port: int, backend: str) -> Iterator[ssl.SSLContext]:
    """nginx on https://127.0.0.1:port in front of backend, configured as docs/studio.md
    says; yields the TLS context a client trusts it with."""
    self_signed_certificate(folder)
    with nginx(folder, port, f"""  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {folder}/cert.pem; ssl_certificate_key {folder}/key.pem;
    location / {{
      proxy_pass {backend};
      proxy_set_header Host $http_host;  # $host, but with the port: not 443 here
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}"""):
        yield ssl.create_default_context(cafile=folder / "cert.pem")
