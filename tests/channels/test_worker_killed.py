"""Killing the worker (SIGKILL) in the middle of many deliveries: after a restart every
delivery is done once, at most the one in flight repeated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.channels.conftest import channel_site
from tests.conftest import run_masthead

POSTS = 200

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


@pytest.mark.slow
def test_a_killed_worker_leaves_no_delivery_undone_or_doubled(tmp_path, receiver):
    site = channel_site(tmp_path, None, "https://api.telegram.org", first_retry=1)
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(POSTS):
        (posts / f"p{i}.md").write_text(f"---\ntitle: Post {i}\ndraft: true\n---\n\nText {i}.\n")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("channel", "add", "webhook", receiver.url, "--secret-env", "HOOK_SECRET",
                 "--name", "hook", site=site)
    # The studio's publish action, once a post, as a burst of writers' clicks would.
    subprocess.run([sys.executable, "-c", PUBLISH_ALL, str(site)], check=True, timeout=300)

    worker = subprocess.Popen([sys.executable, "-m", "masthead", "--site", str(site),
                               "worker"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(receiver.verified) < POSTS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(receiver.verified) >= POSTS // 4, "the worker delivered too little"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    at_kill = len(receiver.verified)
    assert at_kill < POSTS, "every delivery was done before the kill: nothing was tested"

    run_masthead("worker", "--burst", site=site, timeout=300)
    ids = [e["data"]["id"] for e in receiver.verified if e["type"] == "post.published"]
    assert len(set(ids)) == POSTS
    assert len(ids) - POSTS <= 1  # at most the delivery in flight went twice
    assert receiver.rejected == []
    listing = run_masthead("channel", "list", site=site).stdout
    assert f"{POSTS} sent" in listing and "queued" not in listing
