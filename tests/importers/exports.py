"""Small exports written by the tests (and bench/faults_lying_zip.py): each one is
made on the spot, so what it holds is visible where it is used."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

POSTS_CSV = ("post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,"
             "title,subtitle,podcast_url\n")


def substack_row(post_id: str, title: str) -> str:
    return f"{post_id},2021-03-04T10:00:00.000Z,true,,,newsletter,everyone,{title},,\n"


def lying_zip(path: Path, *, inflates_to: int, claims: int = 1000) -> Path:
    """A Substack export whose one post body claims ``claims`` bytes but inflates to
    ``inflates_to``: the declared sizes in its local header and in the central
    directory are patched after writing."""
    body_name = "posts/1.bomb.html"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("posts.csv", POSTS_CSV + substack_row("1.bomb", "Bomb"))
        with z.open(body_name, "w", force_zip64=False) as member:
            block = b"<p>" + b"a" * ((1 << 20) - 3)
            left = inflates_to
            while left > 0:
                member.write(block[:left])
                left -= len(block)
    data = bytearray(path.read_bytes())
    name = body_name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:  # the member's local header: uncompressed size at +22
        if data[local + 30:local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, claims)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # its central directory entry: uncompressed size at +24
        if data[central + 46:central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, claims)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path
