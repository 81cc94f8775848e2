"""public/ changes all at once: it is a symbolic link to one of two complete trees.

Readers (``masthead serve``, nginx, a mirror's rsync) must see the old site or the new
one, never a mix, even when a build is killed halfway. So public/ is a link to
``.masthead/releases/a`` or ``.masthead/releases/b``, and a build only ever writes
into the tree public/ does not point to (the spare), then turns the link with one
atomic rename.

The two trees share every unchanged file (hard links), and the spare is kept one build
behind the live tree: ``releases/lag.json`` lists what the last build wrote and removed,
so the next build brings the spare up to date by linking just those files, not by
copying the site. If the spare cannot be trusted (a build was killed while changing it,
or it is new), it is made again as a hard-linked copy of the live tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

SLOTS = ("a", "b")
# `masthead serve` looks at which tree public/ points to at least this often
# (masthead/web/static.py, RELEASE_RECHECK): a build is live for every reader this long
# after it turned the link, and says so only then (see pipeline.build).
FOLLOWED_WITHIN = 0.03
_turned_at = 0.0  # time.monotonic() when this process last turned a public/ link


def seconds_since_turned() -> float:
    """How long ago this process last turned a site's public/ link."""
    return time.monotonic() - _turned_at


class Releases:
    """The two trees behind a site's public/ link."""

    def __init__(self, public: Path, state_dir: Path):
        self.public = public
        self.folder = state_dir / "releases"
        self.lag_file = self.folder / "lag.json"

    # -- where things are ------------------------------------------------------------

    def live(self) -> str | None:
        """The slot public/ points to; None if public/ is missing or a plain folder."""
        try:
            target = os.readlink(self.public)
        except OSError:
            return None
        name = Path(target).name
        return name if name in SLOTS and (self.folder / name).is_dir() else None

    def spare(self) -> str:
        live = self.live()
        return "b" if live == "a" else "a"

    def tree(self, slot: str) -> Path:
        return self.folder / slot

    # -- a full build ------------------------------------------------------------------

    def publish_full(self, staging: Path) -> None:
        """Make the freshly rendered ``staging`` tree the site, then mirror it into the
        other slot so that the next incremental build starts from an exact copy."""
        self.folder.mkdir(parents=True, exist_ok=True)
        spare = self.spare()
        self._forget_lag()
        discard(self.tree(spare), self.folder)
        os.replace(staging, self.tree(spare))
        old = self.live()
        self._point_to(spare)
        if old is not None:
            self._mirror(spare, old)

    # -- an incremental build ----------------------------------------------------------

    def prepare_spare(self) -> Path:
        """The spare tree, made equal to the live one, ready to take this build's files.
        From here until :meth:`publish_spare` it is being changed: it is trusted again
        only once published."""
        live = self.live()
        self.folder.mkdir(parents=True, exist_ok=True)
        spare = self.spare()
        lag = self._read_lag()
        self._forget_lag()
        source = self.tree(live) if live else self.public
        if live and lag and lag["ahead"] == live and lag["behind"] == spare and \
                self.tree(spare).is_dir():
            target = self.tree(spare)
            for rel in lag["written"]:
                _link_file(source / rel, target / rel)
            for rel in lag["removed"]:
                remove_file(target, rel)
        else:
            discard(self.tree(spare), self.folder)
            link_tree(source, self.tree(spare))
        return self.tree(spare)

    def publish_spare(self, written: Iterable[str], removed: Iterable[str]) -> None:
        """Turn public/ to the spare tree (one rename); what this build wrote and removed
        is what the now-spare tree lacks."""
        old, new = self.live(), self.spare()
        self._point_to(new)
        if old is not None:
            self._write_lag({"ahead": new, "behind": old, "written": sorted(written),
                             "removed": sorted(removed)})

    # -- the link ------------------------------------------------------------------------

    def _point_to(self, slot: str) -> None:
        global _turned_at
        _turned_at = time.monotonic()
        link = self.public.with_name(f".{self.public.name}-{os.getpid()}.link")
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(self.tree(slot), self.public.parent), link)
        if self.public.is_dir() and not self.public.is_symlink():
            # A site built before public/ was a link: its folder steps aside once.
            moved = self.folder / f"old-public-{os.getpid()}"
            os.replace(self.public, moved)
            os.replace(link, self.public)
            discard(moved, self.folder)
            _turned_at = time.monotonic()
            return
        os.replace(link, self.public)
        _turned_at = time.monotonic()

    def _mirror(self, live: str, other: str) -> None:
        discard(self.tree(other), self.folder)
        link_tree(self.tree(live), self.tree(other))
        self._write_lag({"ahead": live, "behind": other, "written": [], "removed": []})

    # -- the lag -------------------------------------------------------------------------

    def _read_lag(self) -> dict | None:
        try:
            return json.loads(self.lag_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_lag(self, lag: dict) -> None:
        tmp = self.lag_file.with_name(f"lag.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(lag, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.lag_file)

    def _forget_lag(self) -> None:
        self.lag_file.unlink(missing_ok=True)


def link_tree(source: Path, target: Path) -> None:
    """A copy of the folder ``source`` whose files are hard links to the originals."""
    os.mkdir(target)
    with os.scandir(source) as entries:
        for entry in entries:
            to = os.path.join(target, entry.name)
            if entry.is_dir(follow_symlinks=False):
                link_tree(Path(entry.path), Path(to))
            else:
                os.link(entry.path, to, follow_symlinks=False)


def _link_file(source: Path, target: Path) -> None:
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.link(source, tmp)
    os.replace(tmp, target)


def remove_file(root: Path, rel: str) -> None:
    """Delete root/rel and the folders it leaves empty."""
    path = root / rel
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and folder.is_dir():
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def discard(folder: Path, trash_dir: Path) -> None:
    """Delete a folder without waiting: tens of thousands of files take seconds to
    unlink. It is renamed away at once and a detached `rm` does the rest; the next build
    sweeps whatever is left (:func:`sweep`)."""
    if not folder.exists() and not folder.is_symlink():
        return
    trash = trash_dir / f"trash-{os.getpid()}-{folder.name}"
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(folder, trash)
    _delete_detached(trash)


def _delete_detached(folder: Path) -> None:
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(state_dir: Path) -> None:
    """Remove what killed builds left behind: trash not yet deleted, old public/ folders."""
    folder = state_dir / "releases"
    for leftover in [*folder.glob("trash-*"), *folder.glob("old-public-*"),
                     *state_dir.glob("old-public-*")]:
        _delete_detached(leftover)
