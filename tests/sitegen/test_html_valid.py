"""The main templates produce valid HTML, checked by the Nu Html Checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess

from tests.conftest import node_module

PAGES = ["index.html", "page/1/index.html", "2025/10/orwell-and-the-windowpane/index.html",
         "2025/12/footnotes-are-a-courtesy/index.html", "2025/10/a-room-and-money/index.html",
         "tags/index.html", "tags/free-press/index.html", "archive/index.html", "2025/index.html",
         "2025/10/index.html", "about/index.html", "search/index.html", "404.html",
         "2025/09/why-i-left.html"]


def test_main_pages_have_no_html_errors(demo_site):
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker (apt-get install default-jre-headless)"
    files = [str(demo_site / "public" / p) for p in PAGES]
    proc = subprocess.run([java, "-jar", str(node_module("vnu-jar", "build", "dist", "vnu.jar")),
                           "--format", "json", "--errors-only", *files],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    problems = [(m["url"].rsplit("/public/", 1)[-1], m.get("lastLine"), m["message"])
                for m in messages]
    assert problems == []
