"""A real IMAP server for the bounce mailbox: Debian's Dovecot, started per test on
127.0.0.1 with its own configuration, a throwaway TLS certificate and one account."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port, self_signed_certificate

DOVECOT = "/usr/sbin/dovecot"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain
first_valid_uid = 1
default_internal_user = {user}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
mail_location = maildir:{root}/home/%u/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class ImapServer:
    port: int
    user: str
    password: str
    ca_file: Path  # the certificate to trust (SSL_CERT_FILE for a client)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca_file))
        with imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context) as imap:
            imap.login(self.user, self.password)
            imap.append(folder, None, None, raw)

    def count(self, folder: str = "INBOX") -> int:
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca_file))
        with imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context) as imap:
            imap.login(self.user, self.password)
            _, data = imap.select(folder, readonly=True)
            return int(data[0])


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    import tempfile

    assert Path(DOVECOT).exists(), "Dovecot is missing: apt-get install dovecot-imapd"
    # Dovecot will not give mail access to root: as root, the mail user is Debian's
    # "dovecot" account; otherwise whoever runs the tests.
    me = pwd.getpwuid(os.getuid())
    account = pwd.getpwnam("dovecot") if os.getuid() == 0 else me
    # Not under pytest's tmp_path: Dovecot's unix sockets need a short path.
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    try:
        (root / "home").mkdir()
        self_signed_certificate(root)
        server = ImapServer(port=free_port(), user="bounces@example.org",
                            password="imap-secret", ca_file=root / "cert.pem")
        (root / "users").write_text(f"{server.user}:{{PLAIN}}{server.password}\n")
        (root / "dovecot.conf").write_text(CONFIG.format(
            root=root, user=account.pw_name, group=account.pw_gid, port=server.port))
        if os.getuid() == 0:
            os.chown(root / "home", account.pw_uid, account.pw_gid)
            os.chmod(root, 0o755)
        proc = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                server.count()
                break
            except (OSError, imaplib.IMAP4.error):
                log = (root / "dovecot.log")
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.poll() is not None else ""
                    raise AssertionError("Dovecot did not start:\n" + out +
                                         (log.read_text() if log.exists() else "")) from None
                time.sleep(0.1)
        yield server
        proc.terminate()
        proc.wait(timeout=10)
    finally:
        shutil.rmtree(root, ignore_errors=True)
