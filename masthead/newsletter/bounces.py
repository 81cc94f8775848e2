"""Bounces and complaints, read from a mailbox (a maildir, or an IMAP folder).

Every copy of a newsletter goes out with its own return path (VERP):
``essays+b<delivery>-<check>@example.org``, so a bounce names the copy that bounced
even when the report is vague about the address. Delivery status notifications
(RFC 3464, ``multipart/report; report-type=delivery-status``) with ``Action: failed``
and a 5.x.x status are hard bounces; feedback reports (RFC 5965, ARF) are complaints.
Both suppress the address for good; delays (4.x.x) change nothing.
"""

from __future__ import annotations

import email
import hashlib
import hmac
import mailbox
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.db import transaction

from masthead.newsletter.models import Delivery, Subscriber

_VERP_RE = re.compile(r"\+b(\d+)-([0-9a-f]{8})@", re.I)


def _check(delivery_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"bounce:{delivery_id}".encode(), hashlib.sha256).hexdigest()[:8]


def return_path(from_address: str, delivery_id: int) -> str:
    """The envelope sender of one copy."""
    local, _, domain = email.utils.parseaddr(from_address)[1].rpartition("@")
    return f"{local}+b{delivery_id}-{_check(delivery_id)}@{domain}"


def delivery_of(address: str) -> int | None:
    m = _VERP_RE.search(address or "")
    if m and hmac.compare_digest(m.group(2).lower(), _check(int(m.group(1)))):
        return int(m.group(1))
    return None


@dataclass
class Report:
    kind: str  # "bounce" or "complaint"
    delivery_id: int | None
    recipient: str  # as the report names it (may be empty)


def parse(msg: EmailMessage) -> Report | None:
    """What a message in the bounce mailbox says, or None (an auto-reply, a delay...)."""
    delivery_id = None
    for header in ("To", "Delivered-To", "X-Original-To", "Envelope-To"):
        for value in msg.get_all(header, []):
            delivery_id = delivery_id or delivery_of(str(value))
    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type") or "").lower()
    if ctype == "multipart/report" and report_type == "feedback-report":
        recipient = ""
        for part in msg.walk():
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload(0) if part.is_multipart() else None
                if inner is not None:
                    recipient = str(inner.get("To", ""))
                    delivery_id = delivery_id or _verp_in(inner)
        return Report("complaint", delivery_id, recipient)
    if ctype == "multipart/report" and report_type == "delivery-status":
        for part in msg.walk():
            if part.get_content_type() != "message/delivery-status":
                continue
            for block in _status_blocks(part):
                action = block.get("action", "").lower()
                status = block.get("status", "")
                if action == "failed" and status.startswith("5"):
                    recipient = block.get("final-recipient", "").split(";")[-1].strip()
                    return Report("bounce", delivery_id, recipient)
        return None
    return None


def _verp_in(inner) -> int | None:
    for header in ("Return-Path", "Sender"):
        found = delivery_of(str(inner.get(header, "")))
        if found:
            return found
    return None


def _status_blocks(part) -> list[dict[str, str]]:
    """The per-message and per-recipient field groups of a delivery-status part."""
    blocks: list[dict[str, str]] = []
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses them as header blocks
        for sub in payload:
            blocks.append({k.lower(): str(v) for k, v in sub.items()})
        return blocks
    text = payload if isinstance(payload, str) else ""
    for chunk in re.split(r"\r?\n\r?\n", text):
        fields = {}
        for line in chunk.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


@dataclass
class BounceSummary:
    read: int = 0
    bounces: int = 0
    complaints: int = 0
    ignored: int = 0


@transaction.atomic
def record(report: Report) -> bool:
    """Suppress the address a report is about; True if one was found."""
    sub = None
    if report.delivery_id is not None:
        d = Delivery.objects.select_related("subscriber").filter(pk=report.delivery_id).first()
        if d is not None:
            sub = d.subscriber
            if report.kind == "bounce":
                Delivery.objects.filter(pk=d.pk).update(status=Delivery.BOUNCED)
    if sub is None and report.recipient:
        address = email.utils.parseaddr(report.recipient)[1]
        sub = Subscriber.objects.filter(email__iexact=address).first()
    if sub is None:
        return False
    status = Subscriber.BOUNCED if report.kind == "bounce" else Subscriber.COMPLAINED
    if sub.status != Subscriber.COMPLAINED:
        Subscriber.objects.filter(pk=sub.pk).update(status=status)
    return True


def process_messages(messages) -> BounceSummary:
    summary = BounceSummary()
    for raw in messages:
        summary.read += 1
        msg = email.message_from_bytes(raw, policy=policy.default)
        report = parse(msg)  # type: ignore[arg-type]
        if report is None or not record(report):
            summary.ignored += 1
        elif report.kind == "bounce":
            summary.bounces += 1
        else:
            summary.complaints += 1
    return summary


def from_maildir(path: Path, *, remove: bool = True) -> BounceSummary:
    """Read every message of a maildir (new/ and cur/); processed ones are removed."""
    box = mailbox.Maildir(path, factory=None, create=False)
    keys = list(box.keys())
    summary = process_messages(box.get_bytes(k) for k in keys)
    if remove:
        for k in keys:
            box.discard(k)
    return summary


def from_imap(host: str, port: int, username: str, password: str, folder: str = "INBOX",
              *, remove: bool = True) -> BounceSummary:
    """Read an IMAP folder over TLS; processed messages are deleted."""
    import imaplib

    with imaplib.IMAP4_SSL(host, port) as imap:
        imap.login(username, password)
        imap.select(folder)
        _, data = imap.search(None, "ALL")
        ids = data[0].split()
        raws = []
        for i in ids:
            _, parts = imap.fetch(i, "(RFC822)")
            raws.append(parts[0][1])
        summary = process_messages(raws)
        if remove:
            for i in ids:
                imap.store(i, "+FLAGS", "\\\\Deleted")
            imap.expunge()
    return summary
