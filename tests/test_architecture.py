"""The architecture page describes the code as it is: its packages and its layers."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "architecture.md").read_text()


def packages_on_disk() -> set[str]:
    """masthead's sub-packages and top-level modules, as dotted names."""
    names = set()
    for path in (ROOT / "masthead").iterdir():
        if path.is_dir() and (path / "__init__.py").exists():
            names.add(f"masthead.{path.name}")
        elif path.suffix == ".py" and not path.name.startswith("__"):
            names.add(f"masthead.{path.stem}")
    return names


def named_on_the_page() -> set[str]:
    return set(re.findall(r"masthead\.(?!toml\b)[a-z_]+", PAGE)) | {
        f"masthead.{m}" for m in re.findall(r"`(site|db|children|timestamps|config|errors)`",
                                            PAGE)}


def contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return contract["layers"]


def test_every_package_the_page_names_exists_and_every_package_is_named():
    on_disk = packages_on_disk()
    assert named_on_the_page() - on_disk == set(), "the page names packages that do not exist"
    assert on_disk - named_on_the_page() == set(), "packages the page does not describe"


def test_the_layers_drawn_on_the_page_are_the_contracts_in_that_order():
    drawing = PAGE.split("```")[1]
    drawn = re.findall(r"masthead\.[a-z_]+", drawing)
    in_contract = [name for layer in contract_layers() for name in re.findall(
        r"masthead\.[a-z_]+", layer)]
    assert drawn == in_contract


def test_every_package_is_in_a_layer():
    layered = {name for layer in contract_layers() for name in re.findall(
        r"masthead\.[a-z_]+", layer)}
    assert packages_on_disk() - layered == set()


def test_the_layers_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:]
