#!/usr/bin/env python3
"""Issue 14, fault 6: a Substack zip whose post claims 1,000 bytes but inflates to
200 MB, through `masthead import substack` in a child process.

    .venv/bin/python bench/faults_lying_zip.py [--mb 200]

Prints the zip's size, the child's peak memory (its maximum resident set, from the
rusage wait4() returns for that child alone), its exit code and the line it printed. Before the fix the
import reached 464 MB and ended in a traceback; it should now stay near the size of a
bare `masthead` start-up and print one line naming the zip and the member.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.importers.exports import lying_zip  # noqa: E402


def masthead(*args: str | Path) -> tuple[int, str, int]:
    """Run the CLI; (exit code, stderr, peak RSS in KiB of that process)."""
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "masthead", *map(str, args)],
                                 stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return child.returncode, err.read().decode(errors="replace"), usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="what the member inflates to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        code, err, init_peak = masthead("init", site, "--title", "Bench",
                                        "--url", "https://bench.example/")
        if code:
            sys.exit(err)
        bomb = lying_zip(Path(tmp) / "export.zip", inflates_to=args.mb * 2**20)
        code, err, peak = masthead("--site", site, "import", "substack", bomb)
        print(f"zip: {bomb.stat().st_size / 1024:.0f} KiB; its member claims 1,000 bytes and "
              f"inflates to {args.mb} MiB")
        print(f"import: exit {code}, peak RSS {peak / 1024:.0f} MiB "
              f"(`masthead init`: {init_peak / 1024:.0f} MiB)")
        print("stderr:", err.strip() or "(nothing)")


if __name__ == "__main__":
    main()
