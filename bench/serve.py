#!/usr/bin/env python3
"""Serving benchmark: `masthead serve` against nginx on the same file, with wrk.

    .venv/bin/python bench/serve.py [--seconds 10] [--connections 32] [--site DIR]

Builds the demo site (or uses --site), then runs wrk (Debian) against nginx (Debian,
installed if missing, serving the same public/ folder) and against `masthead serve`,
for the same post page. Prints requests/s, p99 latency, and the server's resident memory
idle (before the load) and after. Targets (build-speed issue): at least a quarter of
nginx's requests/s, p99 under 20 ms at 32 connections, idle RSS under 150 MB.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = "/2025/10/orwell-and-the-windowpane/"


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


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", "Accept-Encoding: gzip, br", url],
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

        port = free_port()
        # The server's log goes to a file, printed only if it does not start.
        log = (work / "serve.log").open("w")
        server = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "serve",
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                wait_for(port)
            except SystemExit:
                print((work / "serve.log").read_text(), file=sys.stderr)
                raise
            time.sleep(1)
            idle = rss_mib(server.pid)
            m_rps, m_p99 = wrk(f"http://127.0.0.1:{port}{PAGE}", a.seconds, a.connections)
            after = rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait()
            log.close()

        print(f"{a.connections} connections, {a.seconds} s each, page {PAGE}")
        print(f"nginx:           {n_rps:10,.0f} req/s   p99 {n_p99:7.2f} ms")
        print(f"masthead serve:  {m_rps:10,.0f} req/s   p99 {m_p99:7.2f} ms   "
              f"RSS idle {idle:.0f} MiB, after load {after:.0f} MiB")
        print(f"masthead / nginx = {m_rps / n_rps:.2f} (target >= 0.25); p99 target < 20 ms; "
              "idle RSS target < 150 MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
