"""`masthead serve` and files too large to keep in memory (an uploaded recording, a
PDF): they are sent from the disk in chunks, so readers downloading at once do not
each make the server hold the whole file.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, run_masthead, wait_for_port

SIZE = 24 << 20
READERS = 6


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += [c for c, parent in parents.items() if parent == p]
    total = 0
    for p in tree:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
    return total / 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("large") / "site"
    run_masthead("init", root)
    run_masthead("build", site=root)
    media = root / "public" / "media"
    media.mkdir(exist_ok=True)
    (media / "talk.mp3").write_bytes(os.urandom(SIZE))
    return root


@pytest.fixture(scope="module")
def server(site) -> Iterator[tuple[int, int]]:
    """The port and process id of `masthead serve` (which becomes the server)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site), "serve",
                             "--no-worker", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc, "masthead serve", 30)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_large_file_arrives_whole_with_its_validators(server, site):
    port, _ = server
    expected = (site / "public" / "media" / "talk.mp3").read_bytes()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/media/talk.mp3", headers={"Accept-Encoding": "gzip, br"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200 and int(resp.getheader("content-length")) == SIZE
    assert resp.getheader("content-encoding") is None
    assert hashlib.sha256(body).digest() == hashlib.sha256(expected).digest()
    etag = resp.getheader("etag")
    conn.request("GET", "/media/talk.mp3", headers={"If-None-Match": etag})
    again = conn.getresponse()
    assert again.status == 304 and again.read() == b""
    conn.request("HEAD", "//media/./talk.mp3")
    head = conn.getresponse()
    assert head.status == 200 and head.read() == b"" and head.getheader("etag") == etag
    assert int(head.getheader("content-length")) == SIZE
    conn.close()


def test_readers_who_download_slowly_do_not_each_hold_the_file_in_memory(server):
    port, pid = server
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(4):  # the page path of each worker runs once before measuring
        warm.request("GET", "/")
        warm.getresponse().read()
    warm.close()
    before = tree_rss_mib(pid)
    readers = []
    try:
        for _ in range(READERS):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 10)
            s.sendall(b"GET /media/talk.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert s.recv(64 << 10).startswith(b"HTTP/1.1 200")
            readers.append(s)  # then reads no more, like a reader on a slow line
        deadline = time.monotonic() + 3  # let the server send all it would
        growth = 0.0
        while time.monotonic() < deadline:
            growth = max(growth, tree_rss_mib(pid) - before)
            time.sleep(0.2)
    finally:
        for s in readers:
            s.close()
    # Read whole, each download held 24 MB (and the server's copy of it): 6 readers
    # took the server up by 150 MB and more. In chunks, a few megabytes at most.
    assert growth < READERS * SIZE / 2**20 / 3, f"{growth:.0f} MiB"
