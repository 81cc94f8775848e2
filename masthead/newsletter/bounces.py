"""Bounces, complaints and emailed unsubscribe requests, read from a mailbox (a
maildir, or an IMAP folder) that receives the site's tagged addresses (see
:mod:`masthead.newsletter.addresses`).

Delivery status notifications (RFC 3464, ``multipart/report;
report-type=delivery-status``) with ``Action: failed`` and a 5.x.x status are hard
bounces; feedback reports (RFC 5965, ARF) are complaints. Both suppress the address for
good; delays (4.x.x) change nothing. A message to a reader's unsubscribe address (the
mailto: of List-Unsubscribe) unsubscribes that reader, whatever it says.
"""

from __future__ import annotations

import email
import mailbox
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

from django.db import transaction

from masthead.newsletter import actions
from masthead.newsletter.actions import unsubscribe
from masthead.newsletter.addresses import delivery_of, subscriber_of
from masthead.newsletter.models import Delivery, Subscriber


@dataclass
class Report:
    kind: str  # "bounce", "complaint" or "unsubscribe"
    delivery_id: int | None = None
    recipient: str = ""  # as the report names it (may be empty)
    subscriber_id: int | None = None  # for "unsubscribe"


def parse(msg: EmailMessage) -> Report | None:
    """What a message in the mailbox says, or None (a reader's reply, an auto-reply, a
    delay...): those are not ours to act on, or to delete."""
    delivery_id = subscriber_id = None
    for header in ("To", "Delivered-To", "X-Original-To", "Envelope-To", "Cc"):
        for value in msg.get_all(header, []):
            delivery_id = delivery_id or delivery_of(str(value))
            subscriber_id = subscriber_id or subscriber_of(str(value))
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
    if subscriber_id is not None:  # the mailto: of List-Unsubscribe
        return Report("unsubscribe", subscriber_id=subscriber_id)
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
    unsubscribes: int = 0
    ignored: int = 0  # left in the mailbox


@transaction.atomic
def record(report: Report) -> bool:
    """Act on a report: suppress the address, or unsubscribe the reader. True if it
    named somebody we know."""
    if report.kind == "unsubscribe":

        return report.subscriber_id is not None and unsubscribe(report.subscriber_id) is not None
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
    actions.reported(sub.pk, complaint=report.kind != "bounce")
    return True


def process(raw: bytes, summary: BounceSummary) -> bool:
    """Read one message and act on it; True if it was ours (and may be deleted)."""
    summary.read += 1
    msg = email.message_from_bytes(raw, policy=policy.default)
    report = parse(msg)  # type: ignore[arg-type]
    if report is None or not record(report):
        summary.ignored += 1
        return False
    if report.kind == "bounce":
        summary.bounces += 1
    elif report.kind == "complaint":
        summary.complaints += 1
    else:
        summary.unsubscribes += 1
    return True


def from_maildir(path: Path, *, remove: bool = True) -> BounceSummary:
    """Read every message of a maildir (new/ and cur/); the ones acted on are removed,
    anything else (a reader's reply) is left where it is."""
    box = mailbox.Maildir(path, factory=None, create=False)
    summary = BounceSummary()
    for key in list(box.keys()):
        if process(box.get_bytes(key), summary) and remove:
            box.discard(key)
    return summary


def from_imap(host: str, port: int, username: str, password: str, folder: str = "INBOX",
              *, security: str = "tls", remove: bool = True) -> BounceSummary:
    """Read an IMAP folder; the messages acted on are deleted, the others are left
    unread. ``security`` is "tls" (port 993), "starttls" or "none" (a server on this
    machine); certificates are verified."""
    import imaplib
    import ssl

    context = ssl.create_default_context()
    if security == "tls":
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=60)
    else:
        imap = imaplib.IMAP4(host, port, timeout=60)
        if security == "starttls":
            imap.starttls(ssl_context=context)
    summary = BounceSummary()
    with imap:
        imap.login(username, password)
        status, why = imap.select(_quoted(folder))
        if status != "OK":
            raise OSError(f"IMAP folder {folder!r}: {why[0].decode(errors='replace')}")
        _, data = imap.uid("SEARCH", "ALL")
        done = []
        for uid in data[0].split():
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")  # PEEK: leave it unread
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is not None and process(raw, summary):
                done.append(uid)
        if remove and done:
            imap.uid("STORE", b",".join(done), "+FLAGS", r"(\Deleted)")
            imap.expunge()
    return summary


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
