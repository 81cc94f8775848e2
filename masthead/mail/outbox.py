"""The folder mail "server": each message written to a file instead of sent (the demo's
outbox, which the studio lists). Written whole to a temporary name, then renamed, so a
listing never shows half a message."""

from __future__ import annotations

import email
import os
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

SUFFIX = ".eml"


class FolderConnection:
    """What :mod:`smtplib` offers that the senders use, writing files."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def has_extn(self, name: str) -> bool:
        return name.lower() == "8bitmime"

    def sendmail(self, from_addr: str, to_addrs: list[str] | str, msg: bytes | str,
                 mail_options: list[str] | tuple = (), rcpt_options: list[str] | tuple = ()
                 ) -> dict:
        self.write(from_addr, [to_addrs] if isinstance(to_addrs, str) else list(to_addrs),
                   msg.encode() if isinstance(msg, str) else msg)
        return {}

    def write(self, from_addr: str, to_addrs: list[str], data: bytes) -> str:
        """Store one message; returns its file name."""
        envelope = (f"X-Outbox-From: {from_addr}\r\n"
                    f"X-Outbox-To: {', '.join(to_addrs)}\r\n").encode()
        name = f"{time.time_ns():020d}-{os.getpid()}{SUFFIX}"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(envelope + data)
        os.replace(tmp, self.folder / name)
        return name

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class Stored:
    name: str
    to: str
    subject: str
    date: str


def _read(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def listing(folder: Path, limit: int = 200) -> list[Stored]:
    """The newest messages first."""
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.iterdir() if p.name.endswith(SUFFIX)
                    and not p.name.startswith(".")), reverse=True)[:limit]
    out = []
    for name in names:
        msg = _read(folder / name)
        out.append(Stored(name=name, to=str(msg.get("X-Outbox-To", "")),
                          subject=str(msg.get("Subject", "")), date=str(msg.get("Date", ""))))
    return out


def message(folder: Path, name: str) -> EmailMessage | None:
    """One stored message by its file name (nothing outside the folder)."""
    if "/" in name or name.startswith(".") or not name.endswith(SUFFIX):
        return None
    path = folder / name
    return _read(path) if path.is_file() else None
