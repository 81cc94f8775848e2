"""Delivering a send: batches of deliveries over one SMTP connection each.

Every delivery is a row; a message is marked sent as soon as the server accepts it, so
a worker killed at any moment and restarted (or its job re-run) sends every remaining
subscriber exactly once, except the one message that was in flight. Temporary failures
(4xx, a dropped connection) are retried with a growing delay; permanent ones (5xx) mark
the delivery failed and the address bounced, so it is never mailed again.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from masthead.config import NewsletterConfig
from masthead.content.books import BookVersion
from masthead.mail import connection as mail_connection
from masthead.mail import keys as mail_keys
from masthead.mail import server as mail_server
from masthead.newsletter import actions, book_updates, dkim_sign, links, message
from masthead.newsletter.addresses import return_path, unsubscribe_address
from masthead.newsletter.models import Delivery, Send, Subscriber
from masthead.sitegen.snapshot import current_site

BATCH = 1000  # deliveries per job
MAX_ATTEMPTS = 6
BACKOFF = [60, 300, 900, 3600, 4 * 3600]  # seconds before attempts 2, 3, ...


def connect(smtp) -> smtplib.SMTP:
    """A logged-in connection to the mail server in use (or to the demo's outbox)."""
    return mail_connection.connect(smtp)


def prepare(send_id: int) -> list[tuple[int, int]]:
    """Render the post once and make a delivery per confirmed subscriber (again after a
    crash: existing deliveries are kept). Returns the id ranges of the batches."""

    send = Send.objects.select_related("post").get(pk=send_id)
    if send.status == Send.PREPARING:
        if send.book_version_id is not None:  # a book's new version: to those who asked
            version = BookVersion.objects.select_related("book").filter(
                pk=send.book_version_id).first()
            if version is None:  # the version was taken away since: nothing to tell
                Send.objects.filter(pk=send.pk).update(status=Send.DONE,
                                                       finished_at=timezone.now())
                return []
            subject, html, text = book_updates.render(version)
            readers = book_updates.recipients()
        else:
            subject, html, text = message.render(send.post)
            readers = Subscriber.objects.filter(status=Subscriber.CONFIRMED)
        with transaction.atomic():
            Send.objects.filter(pk=send.pk).update(subject=subject, html=html, text=text)
            ids = readers.order_by("id").values_list("id", flat=True)
            chunk: list[Delivery] = []
            for sid in ids.iterator(chunk_size=5000):
                chunk.append(Delivery(send_id=send.pk, subscriber_id=sid))
                if len(chunk) >= 5000:
                    Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
                    chunk = []
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            Send.objects.filter(pk=send.pk).update(status=Send.SENDING)
    todo = list(Delivery.objects.filter(send_id=send_id, status=Delivery.QUEUED)
                .order_by("id").values_list("id", flat=True))
    return [(todo[i], todo[min(i + BATCH, len(todo)) - 1]) for i in range(0, len(todo), BATCH)]


class _Copy:
    """What one sending thread needs to make and hand over a reader's copy (no database
    access: only the delivering thread writes)."""

    def __init__(self, *, smtp, template, send: Send, site, list_id: str, dkim,
                 dkim_key: bytes):
        self.smtp, self.template, self.send, self.site = smtp, template, send, site
        self.list_id, self.dkim, self.dkim_key = list_id, dkim, dkim_key
        self.local = threading.local()
        self.connections: list[smtplib.SMTP] = []
        self.lock = threading.Lock()

    def _connection(self) -> tuple[smtplib.SMTP, bool]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = connect(self.smtp)
            conn.ehlo_or_helo_if_needed()
            self.local.conn, self.local.eightbit = conn, conn.has_extn("8bitmime")
            with self.lock:
                self.connections.append(conn)
        return conn, self.local.eightbit

    def _drop(self) -> None:
        conn = getattr(self.local, "conn", None)
        self.local.conn = None
        if conn is not None:
            with self.lock:
                if conn in self.connections:
                    self.connections.remove(conn)
            _close(conn)

    def send_one(self, d: Delivery) -> tuple[Delivery, str, int, bytes | str]:
        """Hand one copy to the server: (delivery, outcome, code, text) where outcome is
        "sent" (text: the Message-ID), "recipient" (refused at RCPT), "message"
        (refused at DATA) or "connection"."""

        smtp, send = self.smtp, self.send
        try:
            conn, eightbit = self._connection()
            unsubscribe_url = links.unsubscribe_url(d.subscriber_id, self.site.origin)
            mailto = unsubscribe_address(smtp.from_address, d.subscriber_id)
            if eightbit:
                message_id, data = self.template.render(d.subscriber.email, unsubscribe_url,
                                                        mailto)
            else:
                message_id, data = message.build(
                    subject=send.subject, html=send.html, text=send.text,
                    sender=smtp.from_address, site_title=self.site.title,
                    to=d.subscriber.email, unsubscribe_url=unsubscribe_url,
                    unsubscribe_mailto=mailto, list_id=self.list_id)
            if self.dkim is not None:
                data = dkim_sign.sign(data, domain=self.dkim.domain,
                                      selector=self.dkim.selector, key=self.dkim_key)
            # VERP: bounces come back to an address naming this copy.
            conn.sendmail(return_path(smtp.from_address, d.pk), [d.subscriber.email], data,
                          mail_options=["BODY=8BITMIME"] if eightbit else [])
        except smtplib.SMTPRecipientsRefused as exc:
            code, why = next(iter(exc.recipients.values()))
            return d, "recipient", code, why
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code < 500:
                self._drop()
            return d, "message", exc.smtp_code, exc.smtp_error
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return d, "connection", 421, str(exc)
        return d, "sent", 250, message_id

    def close(self) -> None:
        for conn in self.connections:
            _close(conn)


class _Pace:
    """At most ``rate`` messages a second across all sending threads (0: no limit)."""

    def __init__(self, rate: float):
        self.gap = 1 / rate if rate else 0.0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.gap:
            return
        with self.lock:
            slot = max(self.next, time.monotonic())
            self.next = slot + self.gap
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def deliver(send_id: int, first: int, last: int) -> tuple[int, int, dt.datetime | None]:
    """Send the queued deliveries with ids first..last that are due, over
    ``[newsletter] connections`` SMTP connections at once. Returns (sent, failed, when the
    next retry is due or None).

    Each accepted message is marked sent as soon as the server says so, by this thread
    alone; a kill loses at most the copies in flight (one per connection)."""

    smtp = mail_server.current()
    if smtp is None:
        return 0, 0, None
    options = getattr(settings, "MASTHEAD_NEWSLETTER", None) or NewsletterConfig()
    send = Send.objects.get(pk=send_id)
    site = current_site()
    list_id = f"newsletter.{site.origin.split('://', 1)[-1]}"
    dkim = mail_keys.current()
    dkim_key = b""
    if dkim is not None:
        dkim_key = dkim.pem if dkim.key_file is None else dkim_sign.read_key(dkim.key_file)
    template = message.Template(subject=send.subject, html=send.html, text=send.text,
                                sender=smtp.from_address, site_title=site.title,
                                list_id=list_id)
    copy = _Copy(smtp=smtp, template=template, send=send, site=site, list_id=list_id,
                 dkim=dkim, dkim_key=dkim_key)
    pace = _Pace(options.rate)
    sent = failed = 0
    now = timezone.now()
    retry_at: dt.datetime | None = None
    due: list[Delivery] = []
    for d in (Delivery.objects.filter(send_id=send_id, status=Delivery.QUEUED,
                                      id__gte=first, id__lte=last)
              .select_related("subscriber").order_by("id")):
        if d.next_attempt_at and d.next_attempt_at > now:
            retry_at = min(retry_at or d.next_attempt_at, d.next_attempt_at)
        elif d.subscriber.status != Subscriber.CONFIRMED:  # unsubscribed meanwhile
            Delivery.objects.filter(pk=d.pk).update(status=Delivery.FAILED,
                                                    last_error="no longer subscribed")
        else:
            due.append(d)

    def paced(d: Delivery):
        pace.wait()
        return copy.send_one(d)

    pool = ThreadPoolExecutor(max_workers=max(1, options.connections),
                              thread_name_prefix="smtp")
    try:
        for future in as_completed([pool.submit(paced, d) for d in due]):
            d, outcome, code, why = future.result()
            if outcome == "sent":
                Delivery.objects.filter(pk=d.pk).update(
                    status=Delivery.SENT, sent_at=timezone.now(), message_id=str(why),
                    attempts=d.attempts + 1, last_error="")
                sent += 1
                continue
            # Refused at RCPT: about the address; at DATA: about this message (keep the
            # reader); the connection: try again later.
            _failed(d, code, why, recipient=outcome == "recipient")
            failed += code >= 500
            if code < 500:
                retry_at = _later(retry_at, d)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        copy.close()
    _finish_if_done(send_id)
    return sent, failed, retry_at


def _failed(d: Delivery, code: int, why: bytes | str, *, recipient: bool = False) -> None:
    """Record a refusal; a permanent refusal of the address itself (5xx at RCPT) marks
    the subscriber bounced."""
    text = why.decode(errors="replace") if isinstance(why, bytes) else str(why)
    reason = f"{code} {text}"[:500]
    attempts = d.attempts + 1
    if code >= 500 or attempts >= MAX_ATTEMPTS:
        with transaction.atomic():
            Delivery.objects.filter(pk=d.pk).update(status=Delivery.FAILED, attempts=attempts,
                                                    last_error=reason)
            if code >= 500 and recipient:
                actions.bounced(d.subscriber_id)
        d.next_attempt_at = None
        return
    d.next_attempt_at = timezone.now() + dt.timedelta(seconds=BACKOFF[attempts - 1])
    Delivery.objects.filter(pk=d.pk).update(attempts=attempts, last_error=reason,
                                            next_attempt_at=d.next_attempt_at)


def _later(current: dt.datetime | None, d: Delivery) -> dt.datetime | None:
    if d.next_attempt_at is None:
        return current
    return min(current or d.next_attempt_at, d.next_attempt_at)


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def _finish_if_done(send_id: int) -> None:
    if not Delivery.objects.filter(send_id=send_id, status=Delivery.QUEUED).exists():
        Send.objects.filter(pk=send_id, status=Send.SENDING).update(
            status=Send.DONE, finished_at=timezone.now())


def counts(send_id: int) -> dict[str, int]:

    got = dict(Delivery.objects.filter(send_id=send_id).values_list("status")
               .annotate(n=Count("id")).values_list("status", "n"))
    out = {s: got.get(s, 0) for s, _ in Delivery.STATUSES}
    # Readers who left after this send reached them.
    out["unsubscribed"] = Delivery.objects.filter(
        send_id=send_id, status=Delivery.SENT, subscriber__status=Subscriber.UNSUBSCRIBED,
        subscriber__unsubscribed_at__gte=models.F("sent_at")).count()
    return out
