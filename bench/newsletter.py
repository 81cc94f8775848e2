#!/usr/bin/env python3
"""Newsletter benchmark: one post, DKIM-signed, to N subscribers through a local SMTP sink.

    .venv/bin/python bench/newsletter.py [--subscribers 100000] [--workers 2] [--connections 4]

Makes a site with a post from bench/corpus.py and N confirmed subscribers,
a fresh RSA-2048 DKIM key, an aiosmtpd server on 127.0.0.1 (its own process, counting
messages), then times `masthead newsletter send` (queue only) and the workers that send
it, and prints messages a second beside the target (>= 500/s) and peak memory (PSS of
the sending processes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import contextlib  # noqa: E402

from build import measure  # noqa: E402
from corpus import write_corpus  # noqa: E402


def sink(port: int, counter, ready) -> None:
    from aiosmtpd.controller import Controller

    class Count:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    c = Controller(Count(), hostname="127.0.0.1", port=port)
    c.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def masthead(site: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "masthead", "--site", str(site), *args], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2, help="sending processes")
    ap.add_argument("--connections", type=int, default=4,
                    help="[newsletter] connections: SMTP connections per worker")
    ap.add_argument("--keep", type=Path)
    a = ap.parse_args()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    work = a.keep or Path(tempfile.mkdtemp(prefix="masthead-newsletter-"))
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    port = free_port()
    counter = multiprocessing.Value("l", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=sink, args=(port, counter, ready), daemon=True)
    server.start()
    ready.wait(10)
    try:
        subprocess.run([sys.executable, "-m", "masthead", "init", str(site), "--url",
                        "https://essays.example.org/"], check=True, stdout=subprocess.DEVNULL)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (site / "dkim.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))
        with (site / "masthead.toml").open("a") as f:
            f.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                    'from_address = "Essays <essays@example.org>"\n'
                    '\n[dkim]\ndomain = "example.org"\nselector = "bench"\n'
                    'private_key_file = "dkim.pem"\n'
                    f'\n[newsletter]\nconnections = {a.connections}\n')
        corpus = work / "corpus"
        if not corpus.is_dir():
            write_corpus(corpus, 1)
        masthead(site, "import", "markdown", str(corpus))
        post = next((corpus / "posts").glob("*.md"))
        slug = post.stem
        csv = work / "subscribers.csv"
        with csv.open("w") as f:
            f.write("email,status\n")
            for i in range(a.subscribers):
                f.write(f"reader{i}@example.net,confirmed\n")
        t0 = time.perf_counter()
        masthead(site, "subscribers", "import", str(csv))
        print(f"{a.subscribers} subscribers imported in {time.perf_counter() - t0:.1f} s",
              flush=True)
        masthead(site, "newsletter", "send", slug, "--queue-only")
        # The first worker prepares the send (renders it, makes the deliveries).
        t_prep, m_prep, _ = measure([sys.executable, "-m", "masthead", "--site", str(site),
                                     "worker", "--burst", "--max-jobs", "1"])
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site),
                                   "worker", "--burst"], stderr=subprocess.DEVNULL)
                 for _ in range(a.workers)]
        import psutil

        peak = 0
        while any(p.poll() is None for p in procs):
            total = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += psutil.Process(p.pid).memory_full_info().pss
            peak = max(peak, total)
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        got = counter.value
        print(f"prepare (render, {a.subscribers} deliveries): {t_prep:.1f} s, "
              f"peak {m_prep:.0f} MiB")
        print(f"sent {got} DKIM-signed messages in {seconds:.1f} s with {a.workers} workers x "
              f"{a.connections} connections: "
              f"{got / seconds:,.0f} messages/s (target >= 500), peak {peak / 2**20:.0f} MiB")
        if got != a.subscribers:
            print(f"MISSING: {a.subscribers - got} subscribers got nothing")
    finally:
        server.terminate()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
