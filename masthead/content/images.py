"""Uploaded images: checked, stripped of metadata, stored in responsive sizes.

A photo from a phone carries where and when it was taken (EXIF, GPS) and often a
camera serial number; none of it may reach the site. Every upload is decoded by
Pillow (so a file that merely claims to be an image is refused), turned upright by its
EXIF orientation, and re-encoded from its pixels alone (the colour profile is kept,
nothing else) at a few widths for ``srcset``, each with a WebP and (where Pillow can)
an AVIF beside it (:mod:`masthead.content.image_variants`). Files go to
``media/YYYY/MM/`` and the build copies them to ``public/media/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from masthead.content.addresses import slugify
from masthead.content.image_variants import (
    VARIANT_MAX,
    encode_variant,
    variant_suffixes,
    write_atomically,
)
from masthead.errors import ContentError

MAX_BYTES = 20 << 20
MAX_PIXELS = 60_000_000  # larger images are refused (and decompression bombs with them)
WIDTHS = (480, 960, 1600)
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


@dataclass(frozen=True)
class StoredImage:
    files: list[tuple[int, str]]  # (width, path relative to media/), smallest first
    width: int
    height: int


def _slug(filename: str) -> str:

    return slugify(Path(filename).stem)[:60] or "image"


def store_image(data: bytes, filename: str, media: Path,
                now: dt.datetime | None = None) -> StoredImage:
    """Check an upload and write its sizes under media/; raise ContentError if it is
    not an image we take."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise ContentError(f"larger than {MAX_BYTES >> 20} MB", path=filename, field="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            probe = Image.open(io.BytesIO(data))
            probe.verify()  # structure; decoding the pixels below checks the rest
            img = Image.open(io.BytesIO(data))
            fmt = img.format
            if fmt not in FORMATS:
                raise ContentError(f"a {fmt} image: upload JPEG, PNG, WebP or GIF",
                                   path=filename, field="image")
            img.load()
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as exc:
        raise ContentError(f"not an image we can read ({type(exc).__name__})",
                           path=filename, field="image") from None
    animated = getattr(img, "is_animated", False)
    icc = img.info.get("icc_profile")
    if not animated:
        img = ImageOps.exif_transpose(img)
    width, height = img.size
    now = now or dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(data).hexdigest()[:8]
    folder = f"{now:%Y}/{now:%m}"
    base = f"{_slug(filename)}-{digest}"
    ext = FORMATS[fmt]
    out_dir = media / folder
    out_dir.mkdir(parents=True, exist_ok=True)
    widths = [] if animated else [w for w in WIDTHS if w < width]
    sizes = [(w, img if w == width else img.resize(
        (w, max(1, round(height * w / width))), Image.Resampling.LANCZOS))
        for w in [*widths, width]]
    # The variants first: an original on disk then always has them (the build's
    # refresh_variants looks for originals without).
    if not animated:
        for w, frame in sizes:
            for suffix in variant_suffixes(ext) if w <= VARIANT_MAX else ():
                target = out_dir / f"{base}-{w}{suffix}"
                if not target.exists():
                    write_atomically(target, encode_variant(frame, suffix, ext, icc))
    files: list[tuple[int, str]] = []
    for w, frame in sizes:
        rel = f"{folder}/{base}-{w}{ext}"
        target = media / rel
        if not target.exists():
            write_atomically(target, _encode_animation(img) if animated
                             else _encode(frame, fmt, icc))
        files.append((w, rel))
    return StoredImage(files=files, width=width, height=height)


def _encode(img, fmt: str, icc: bytes | None) -> bytes:
    """The pixels alone (no EXIF, XMP or comments), with the colour profile."""
    buf = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(buf, "JPEG", quality=85, optimize=True, progressive=True, **extra)
    elif fmt == "PNG":
        img.save(buf, "PNG", optimize=True, **extra)
    elif fmt == "WEBP":
        img.save(buf, "WEBP", quality=85, method=4, **extra)
    else:  # a still GIF
        img.save(buf, "GIF", optimize=True)
    return buf.getvalue()


def _encode_animation(img) -> bytes:
    from PIL import ImageSequence

    frames = [f.copy() for f in ImageSequence.Iterator(img)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:],
                   loop=img.info.get("loop", 0), duration=img.info.get("duration", 100))
    return buf.getvalue()
