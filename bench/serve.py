#!/usr/bin/env python3
"""Serving benchmark: `masthead serve` against nginx on the same file, with wrk.

    .venv/bin/python bench/serve.py [--seconds 10] [--connections 32] [--rounds 3] [--site DIR]

Builds the demo site (or uses --site), then runs wrk (Debian) against nginx (Debian,
installed if missing, serving the same public/ folder) and against `masthead serve`,
for the same post page. Prints requests/s, p99 latency, and the server's resident memory
idle (before the load) and after. Targets (build-speed issue): at least a quarter of
nginx's requests/s, p99 under 20 ms at 32 connections, idle RSS under 150 MB.

`masthead serve` counts views of pages (issue 15, point 13); counting must keep the
static hot path within 10 % of its req/s without it. So two servers run side by side,
one counting and one with MASTHEAD_COUNT_VIEWS=0, and wrk visits them in turn
(--rounds times each, the median kept), so that both figures come from the same run and
the same load of a shared machine. wrk sends a browser's user agent: a request without
one is a bot's, and would be left uncounted at no cost.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = "/2025/10/orwell-and-the-windowpane/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on 127.0.0.1:{port}")


def apt(*packages: str) -> None:
    missing = [p for p in packages if not shutil.which(p)]
    if missing:
        print(f"Installing {' '.join(missing)} from Debian...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True,
                       stdout=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children so far."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        t = p.cpu_times()
        total += t.user + t.system
    return total


def wrk_cpu(url: str, seconds: int, connections: int, pid: int) -> tuple[float, float, float]:
    """req/s, p99 (ms), and the server's CPU time per request (us): on a machine shared
    with other work, CPU per request is what the load of others does not change."""
    before = cpu_seconds(pid)
    rps, p99 = wrk(url, seconds, connections)
    return rps, p99, (cpu_seconds(pid) - before) / (rps * seconds) * 1e6


def in_process_us(site: Path, counting: bool, n: int = 20_000) -> float:
    """CPU time (us, the best of 7 rounds) the application takes to answer the page,
    called directly as an ASGI application, with counting on or off: the hot path's own
    cost, which neither HTTP nor other work on the machine blurs."""
    import asyncio

    from masthead.web.app import ENV_COUNT, SiteApplication

    os.environ[ENV_COUNT] = "1" if counting else "0"
    try:
        app = SiteApplication((site / "public").resolve(), "/", site)
    finally:
        del os.environ[ENV_COUNT]
    scope = {"type": "http", "method": "GET", "path": PAGE, "raw_path": PAGE.encode(),
             "query_string": b"", "http_version": "1.1", "scheme": "http",
             "headers": [(b"host", b"127.0.0.1"), (b"user-agent", BROWSER.encode()),
                         (b"accept-encoding", b"gzip, br"), (b"accept", b"*/*")]}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        pass

    async def answer(times: int) -> float:
        start = time.thread_time()
        for _ in range(times):
            await app(scope, receive, send)
        return time.thread_time() - start

    asyncio.run(answer(1000))
    return min(asyncio.run(answer(n)) for _ in range(7)) / n * 1e6


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", "Accept-Encoding: gzip, br", "-H", f"User-Agent: {BROWSER}",
                          url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99


def rss_mib(pid: int) -> float:
    import psutil

    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3,
                    help="wrk runs against each masthead server, in turn (median kept)")
    ap.add_argument("--site", type=Path)
    a = ap.parse_args()
    apt("wrk", "nginx")
    try:
        import psutil  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "psutil==7.2.2"],
                       check=True)

    work = Path(tempfile.mkdtemp(prefix="masthead-serve-bench-"))
    try:
        site = a.site
        if site is None:
            site = work / "demo"
            subprocess.run([sys.executable, "-m", "masthead", "demo", str(site), "--no-serve"],
                           check=True, stdout=subprocess.DEVNULL)
        public = (site / "public").resolve()

        port = free_port()
        conf = work / "nginx.conf"
        conf.write_text(f"""
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  gzip on;
  gzip_types text/css application/javascript application/json application/xml;
  server {{
    listen 127.0.0.1:{port};
    root {public};
    etag on;
  }}
}}
""")
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
        try:
            wait_for(port)
            n_rps, n_p99 = wrk(f"http://127.0.0.1:{port}{PAGE}", a.seconds, a.connections)
        finally:
            nginx.terminate()
            nginx.wait()

        servers = {}
        logs = []
        try:
            for name, env in (("counting", {}), ("not counting", {"MASTHEAD_COUNT_VIEWS": "0"})):
                port = free_port()
                # The server's log goes to a file, printed only if it does not start.
                log_path = work / f"serve-{len(logs)}.log"
                logs.append(log_path.open("w"))
                proc = subprocess.Popen(
                    [sys.executable, "-m", "masthead", "--site", str(site), "serve", "--port",
                     str(port)], stdout=logs[-1], stderr=subprocess.STDOUT,
                    env={**os.environ, **env})
                servers[name] = (proc, port)
                try:
                    wait_for(port)
                except SystemExit:
                    print(log_path.read_text(), file=sys.stderr)
                    raise
            time.sleep(1)
            idle = {name: rss_mib(proc.pid) for name, (proc, _) in servers.items()}
            runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in servers}
            for n in range(a.rounds):  # in turn, each first every other round
                for name, (proc, port) in list(servers.items())[:: 1 if n % 2 == 0 else -1]:
                    runs[name].append(wrk_cpu(f"http://127.0.0.1:{port}{PAGE}", a.seconds,
                                              a.connections, proc.pid))
            after = {name: rss_mib(proc.pid) for name, (proc, _) in servers.items()}
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait()
            for log in logs:
                log.close()

        print(f"{a.connections} connections, {a.seconds} s each, page {PAGE}; masthead serve: "
              f"median of {a.rounds} runs, counting and not counting in turn")
        print(f"nginx:           {n_rps:10,.0f} req/s   p99 {n_p99:7.2f} ms")
        rps, cpu = {}, {}
        for name in servers:
            rps[name] = statistics.median(r for r, _, _ in runs[name])
            p99 = statistics.median(p for _, p, _ in runs[name])
            cpu[name] = statistics.median(c for _, _, c in runs[name])
            each = ", ".join(f"{r:,.0f}" for r, _, _ in runs[name])
            print(f"masthead serve, {name + ':':13} {rps[name]:10,.0f} req/s   p99 {p99:7.2f} ms"
                  f"   {cpu[name]:6.0f} us CPU/request   RSS idle {idle[name]:.0f} MiB, "
                  f"after load {after[name]:.0f} MiB   (runs: {each} req/s)")
        m_rps, quiet = rps["counting"], rps["not counting"]
        print(f"masthead / nginx = {m_rps / n_rps:.2f} (target >= 0.25); p99 target < 20 ms; "
              "idle RSS target < 150 MB")
        own = {on: in_process_us(site, on) for on in (False, True)}
        print(f"in process, the application answers the page in {own[False]:.1f} us of CPU, "
              f"{own[True]:.1f} us counting: counting adds {own[True] - own[False]:.1f} us, "
              f"{(own[True] - own[False]) / cpu['not counting'] * 100:.1f} % of what the server "
              "spends a request")
        print(f"counting views costs {(1 - m_rps / quiet) * 100:+.1f} % of req/s "
              f"({m_rps:,.0f} against {quiet:,.0f}) and "
              f"{(cpu['counting'] / cpu['not counting'] - 1) * 100:+.1f} % CPU per request "
              f"({cpu['counting']:.0f} against {cpu['not counting']:.0f} us); "
              "target: within 10 %")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
