"""Modern formats beside each stored image, and finding them again from an address.

A stored image is ``media/YYYY/MM/{slug}-{digest}-{width}{ext}`` at a few widths (see
:mod:`masthead.content.images`). Beside each width up to :data:`VARIANT_MAX` go a WebP
and, where this Pillow can write it, an AVIF of the same pixels, named alike:
``{slug}-{digest}-{width}.webp`` and ``.avif``. So the renderer finds every size and
format of an image from the one address a post's Markdown gives (``![..](/media/..)``)
by listing its folder, with no manifest to keep in step.

A photo's variants are written before its own files, so an image whose original is on
disk has its variants too, unless it was stored before variants were made: those are
made by :func:`refresh_variants` (run by every build, cheap when nothing is missing),
which then changes :attr:`MediaLibrary.fingerprint` so that bodies rendered without the
variants are rendered again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

VARIANT_MAX = 2400  # wider originals are kept as they are; their variants stop below
WEBP_QUALITY = 80
AVIF_QUALITY = 60  # AVIF's scale: about JPEG 85 to the eye, at half the bytes
AVIF_SPEED = 8  # 6 (Pillow's default) took three times as long for a few % smaller files
STAMP = ".variants"  # in media/: changes when variants are added to images already stored
MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
        ".gif": "image/gif", ".avif": "image/avif"}
_NAME_RE = re.compile(r"^(?P<base>.+-[0-9a-f]{8})-(?P<width>[1-9][0-9]{0,4})"
                      r"(?P<ext>\.jpg|\.png|\.webp|\.gif|\.avif)$")


def avif_supported() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def variant_suffixes(original_ext: str) -> list[str]:
    """The formats made beside an original: WebP for JPEG and PNG; AVIF for photos
    (JPEG, WebP), where Pillow has it. A PNG is a drawing or a screenshot, which WebP's
    lossless mode keeps sharp and AVIF's lossy mode would blur; a GIF may move."""
    out = []
    if original_ext in (".jpg", ".png"):
        out.append(".webp")
    if original_ext in (".jpg", ".webp") and avif_supported():
        out.append(".avif")
    return out


def encode_variant(img, suffix: str, original_ext: str, icc: bytes | None) -> bytes:
    """The pixels of ``img`` as WebP or AVIF, with the colour profile and nothing else."""
    if img.mode not in ("RGB", "RGBA"):
        transparent = "A" in img.mode or "transparency" in img.info
        img = img.convert("RGBA" if transparent else "RGB")
    buf = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if suffix == ".webp" and original_ext == ".png":
        img.save(buf, "WEBP", lossless=True, quality=80, method=4, **extra)
    elif suffix == ".webp":
        img.save(buf, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
    else:
        img.save(buf, "AVIF", quality=AVIF_QUALITY, speed=AVIF_SPEED, **extra)
    return buf.getvalue()


def write_atomically(target: Path, body: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, target)


@dataclass(frozen=True)
class Variants:
    """Every stored size and format of one image, paths relative to media/."""

    width: int  # of the largest size: the image's own
    height: int
    fallback_type: str  # the original's format, which every reader can show
    fallback: tuple[tuple[int, str], ...]  # (width, path), narrowest first
    modern: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]  # (type, sizes), AVIF first


def _originals(names: list[str]) -> dict[str, dict[int, str]]:
    """base -> {width: extension} of the originals among a folder's file names: a
    WebP or AVIF is an original only where no JPEG, PNG or GIF has its name."""
    by_stem: dict[tuple[str, int], set[str]] = {}
    for name in names:
        m = _NAME_RE.match(name)
        if m:
            by_stem.setdefault((m["base"], int(m["width"])), set()).add(m["ext"])
    out: dict[str, dict[int, str]] = {}
    for (base, width), exts in by_stem.items():
        plain = exts & {".jpg", ".png", ".gif"}
        ext = min(plain) if plain else (".webp" if ".webp" in exts else None)
        if ext:
            out.setdefault(base, {})[width] = ext
    return out


class MediaLibrary:
    """The stored images of a site's media/ folder, as rendering asks for them: one
    listing a folder, kept for the life of the object (a build, a preview)."""

    def __init__(self, root: Path):
        self.root = root
        self._listings: dict[str, list[str]] = {}
        self._found: dict[str, Variants | None] = {}
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """Changes when variants were added to images stored before them (a render key
        folds it in); not when a new image is stored, since no body rendered before
        could show an image that did not exist."""
        if self._fingerprint is None:
            try:
                stamp = (self.root / STAMP).read_text().strip()
            except OSError:
                stamp = ""
            self._fingerprint = f"pictures-1:{stamp}"
        return self._fingerprint

    def _listing(self, folder: str) -> list[str]:
        if folder not in self._listings:
            try:
                self._listings[folder] = sorted(os.listdir(self.root / folder))
            except OSError:
                self._listings[folder] = []
        return self._listings[folder]

    def lookup(self, address: str) -> Variants | None:
        """The variants of the stored image at ``/media/...``, or None (not ours, not
        on disk, or not an image this site stored)."""
        if address not in self._found:
            self._found[address] = self._lookup(address)
        return self._found[address]

    def _lookup(self, address: str) -> Variants | None:
        if not address.startswith("/media/") or any(c in address for c in "?#\\"):
            return None
        rel = address[len("/media/"):]
        parts = rel.split("/")
        if any(not p or p.startswith(".") for p in parts):
            return None
        m = _NAME_RE.match(parts[-1])
        if not m:
            return None
        folder = "/".join(parts[:-1])
        names = self._listing(folder)
        originals = _originals(names).get(m["base"])
        if not originals or int(m["width"]) not in originals:
            return None
        prefix = f"{folder}/{m['base']}" if folder else m["base"]
        widths = sorted(originals)
        ext = originals[widths[-1]]
        fallback = tuple((w, f"{prefix}-{w}{originals[w]}") for w in widths
                         if originals[w] == ext)
        size = _size(self.root / fallback[-1][1])
        if size is None:
            return None
        present = set(names)
        modern = []
        for suffix in (".avif", ".webp"):
            if suffix == ext:
                continue
            files = tuple((w, f"{prefix}-{w}{suffix}") for w in widths
                          if f"{m['base']}-{w}{suffix}" in present)
            if files:
                modern.append((MIME[suffix], files))
        return Variants(width=size[0], height=size[1], fallback_type=MIME[ext],
                        fallback=fallback, modern=tuple(modern))


def _size(path: Path) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return img.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def refresh_variants(media: Path) -> list[str]:
    """Make the variants missing beside stored images (those stored before variants
    were): the paths made, relative to media/. Cheap when none is missing (a listing
    of each folder); records a new :attr:`MediaLibrary.fingerprint` when it made some."""
    from PIL import Image

    if not media.is_dir():
        return []
    made: list[str] = []
    for folder, dirs, names in os.walk(media):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        present = set(names)
        here = Path(folder)
        for base, sizes in sorted(_originals(sorted(names)).items()):
            for width, ext in sorted(sizes.items()):
                missing = [s for s in variant_suffixes(ext)
                           if f"{base}-{width}{s}" not in present]
                if width > VARIANT_MAX or not missing:
                    continue
                source = here / f"{base}-{width}{ext}"
                try:
                    with Image.open(source) as img:
                        img.load()
                        icc = img.info.get("icc_profile")
                        bodies = {s: encode_variant(img, s, ext, icc) for s in missing}
                except (OSError, ValueError):
                    continue  # not readable: left as it is, shown as it is
                for suffix, body in bodies.items():
                    target = here / f"{base}-{width}{suffix}"
                    write_atomically(target, body)
                    made.append(target.relative_to(media).as_posix())
    if made:
        h = hashlib.sha256()
        with contextlib.suppress(OSError):
            h.update((media / STAMP).read_bytes())
        h.update("\0".join(made).encode())
        write_atomically(media / STAMP, h.hexdigest()[:16].encode() + b"\n")
    return made
