"""Requests to other servers, made safely: a webhook URL is whatever a user typed, so it
must not reach the machine's own services or the private network behind it.

Every address the host name resolves to is checked (not only the name: a public name may
resolve to 127.0.0.1), and the request goes to the address checked, the name kept for
the Host header and TLS, so a second lookup cannot swap it. Redirects are not followed,
answers are read up to a cap, and every step has a timeout.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_ANSWER = 64 * 1024  # bytes of an answer read; the rest is ignored


class OutboundError(Exception):
    """The request could not be made or got no answer (a timeout, a refused connection):
    worth trying again later."""


class RefusedAddress(OutboundError):
    """The address is one the site never sends to (private, link-local, loopback)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def _checked_ip(host: str, port: int, allow_loopback: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundError(f"{host} cannot be found ({exc.strerror})") from None
    ips = [info[4][0] for info in infos]
    for ip in ips:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
        if addr.is_loopback and allow_loopback:
            continue
        if not addr.is_global or addr.is_multicast:
            raise RefusedAddress(f"{host} is at {ip}, a private, local or reserved address: "
                                 "the site sends only to public addresses")
    return ips[0]


_client: httpx.Client | None = None


def _shared_client() -> httpx.Client:
    """One client a process: making one costs a TLS context (milliseconds), more than a
    delivery to a near receiver."""
    global _client
    if _client is None:
        _client = httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
    return _client


def post(url: str, *, allow_loopback: bool, json: object | None = None,
         data: dict | None = None, content: bytes | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    """POST to ``url`` after checking where it leads; raises :class:`OutboundError`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(f"{url} is not an http(s) address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = _checked_ip(parts.hostname, port, allow_loopback)
    netloc = (f"[{ip}]" if ":" in ip else ip) + f":{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    client = _shared_client()
    try:
        request = client.build_request(
            "POST", pinned, json=json, data=data, content=content,
            headers={**(headers or {}), "Host": host, "User-Agent": "Masthead"},
            extensions={"sni_hostname": parts.hostname})
        response = client.send(request, stream=True)
        try:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= MAX_ANSWER:
                    body = body[:MAX_ANSWER]
                    break
            return Answer(response.status_code, body, dict(response.headers))
        finally:
            response.close()
    except httpx.TimeoutException:
        raise OutboundError(f"{parts.hostname} did not answer in time") from None
    except httpx.HTTPError as exc:
        raise OutboundError(f"{parts.hostname}: {exc}") from None
