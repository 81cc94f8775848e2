"""Views counted in the serving process, written in batches off the request path.

A request adds one to a number in a dictionary (under a lock: the flushing thread swaps
the dictionary); a thread writes what has gathered every few seconds, and once more when
the server stops, so a busy server makes one small transaction every few seconds rather
than one a request. A batch that cannot be written (the database locked or away) is kept
and tried again with the next one; nothing counted is dropped while the process lives.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
import zoneinfo
from collections.abc import Callable

from masthead.stats import rules
from masthead.stats.store import Batch, CountStore

FLUSH_EVERY = 5.0  # seconds
# Distinct (page, referrer) pairs held between flushes: beyond it, views are still
# counted but without their referrer, so a flood of made-up referrers cannot fill memory.
MAX_KEYS = 50_000
# Whether a user agent is a bot's, remembered: readers' browsers send a few hundred
# distinct ones, and the answer then costs a dictionary lookup instead of a regular
# expression (about 12 us). Bounded in number and length, so made-up ones cannot fill
# memory: they only cost the search.
MAX_AGENTS = 2_048
MAX_AGENT_LEN = 512


class ViewCounter:
    """Counts of one server worker. ``count`` is all a request pays for."""

    def __init__(self, store: CountStore, base: str = "/", every: float = FLUSH_EVERY,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.base = base
        self.every = every
        self.clock = clock
        self.own_hosts: set[str] = set()
        self._counts: dict[tuple[dt.date, str, str], int] = {}
        self._lock = threading.Lock()
        self._zone: dt.tzinfo = dt.UTC
        self._day = dt.date(1970, 1, 1)
        self._day_ends = 0.0  # epoch seconds at which _day is over
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        self._bots: dict[bytes, bool] = {}

    # -- the request path -----------------------------------------------------------

    def today(self) -> dt.date:
        """The site's date now, worked out again only when a day ends."""
        now = self.clock()
        if now >= self._day_ends:
            local = dt.datetime.fromtimestamp(now, self._zone)
            self._day = local.date()
            tomorrow = dt.datetime.combine(self._day + dt.timedelta(days=1), dt.time(),
                                           self._zone)
            self._day_ends = tomorrow.timestamp()
        return self._day

    def count(self, page: str, referrer: str = "", day: dt.date | None = None) -> None:
        key = (day or self.today(), page, referrer)
        with self._lock:
            counts = self._counts
            if key not in counts and len(counts) >= MAX_KEYS:
                key = (key[0], page, "")
            counts[key] = counts.get(key, 0) + 1

    def seen(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        """A page was answered 200 to a GET: count it unless a bot or a prefetch asked.
        ``path`` is the canonical request path, ``headers`` the request's."""
        page = self.page_for(path)
        if page is not None:
            self.seen_page(page, headers)

    def page_for(self, path: str) -> str | None:
        """The page a canonical request path counts for, or None (not a page). The web
        server keeps the answer for each address it is asked for (a dictionary look-up
        instead of this, on the hot path)."""
        return rules.page_address(path, self.base)

    def seen_page(self, page: str, headers: list[tuple[bytes, bytes]]) -> None:
        """Count a view of ``page`` (from :meth:`page_for`) unless a bot or a prefetch
        asked, by the request's ``headers``."""
        ua = referrer = host = sec_purpose = purpose = x_moz = None
        for name, value in headers:
            if name == b"user-agent":
                ua = value
            elif name == b"referer":
                referrer = value
            elif name == b"host":
                host = value
            elif name == b"sec-purpose":
                sec_purpose = value
            elif name == b"purpose":
                purpose = value
            elif name == b"x-moz":
                x_moz = value
        text = _text
        if self._is_bot(ua) or (
                (sec_purpose or purpose or x_moz)
                and rules.is_prefetch(text(sec_purpose), text(purpose), text(x_moz))):
            return
        ref = ""
        if referrer:
            own = self.own_hosts | {rules.host_of(text(host))} if host else self.own_hosts
            ref = rules.referrer_host(text(referrer), own)
        self.count(page, ref)

    def _is_bot(self, ua: bytes | None) -> bool:
        if ua is None:
            return True
        known = self._bots.get(ua)
        if known is None:
            known = rules.is_bot(_text(ua))
            if len(ua) <= MAX_AGENT_LEN:
                if len(self._bots) >= MAX_AGENTS:
                    self._bots.clear()
                self._bots[ua] = known
        return known

    # -- flushing -------------------------------------------------------------------

    def take(self) -> dict:
        with self._lock:
            batch, self._counts = self._counts, {}
        return batch

    def give_back(self, batch: Batch) -> None:
        with self._lock:
            for key, n in batch.items():
                self._counts[key] = self._counts.get(key, 0) + n

    def flush(self) -> bool:
        """Write what has gathered; False (and kept for the next try) if it could not."""
        batch = self.take()
        if not batch:
            return True
        try:
            self.store.add(batch)
        except Exception as exc:  # the database locked, away, or its table missing
            self.give_back(batch)
            self.store.close()  # connect afresh next time
            if not self._failing:
                print(f"masthead serve: views not saved yet, will retry: {exc}",
                      file=sys.stderr, flush=True)
            self._failing = True
            return False
        self._failing = False
        return True

    def read_site(self) -> None:
        """The site's time zone and own host, from its settings."""
        try:
            zone, url = self.store.site()
            self._zone = zoneinfo.ZoneInfo(zone)
        except Exception:  # no settings row yet, or a zone this system lacks: UTC
            self.store.close()
            return
        self._day_ends = 0.0
        host = rules.host_of(url)
        self.own_hosts = {host} if host else set()

    def start(self) -> None:
        """Read the site's zone and own host before the first request is answered (so
        early views are not dated in UTC, nor the site's own address kept as a referrer),
        then flush from a thread of its own."""
        if self._thread is None:
            self.read_site()
            self.store.close()  # the flushing thread opens its own connection
            self._thread = threading.Thread(target=self._run, name="masthead-views",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        rounds = 0
        while not self._stop.wait(self.every):
            self.flush()
            rounds += 1
            if rounds % 12 == 0:  # about a minute: a changed time zone is followed
                self.read_site()
        for _ in range(3):  # stopping: the last views are worth a short wait
            if self.flush():
                break
            time.sleep(1)

    def stop(self, timeout: float = 30) -> None:
        """Write what is left and stop the thread (the server is stopping)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        else:
            self.flush()
        self.store.close()


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None
