"""Documentation that cannot drift from the program."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_reference_docs_are_generated_from_the_code():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_command_of_the_design_exists_and_is_documented():
    reference = (ROOT / "docs" / "cli.md").read_text()
    for command in ["init", "demo", "import markdown", "import bibtex", "import csl-json",
                    "export markdown", "build", "serve", "settings"]:
        assert f"## `masthead {command}`" in reference, command


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make demo$", readme, re.M)
    assert re.search(r"^make test$", readme, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
