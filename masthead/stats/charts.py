"""Charts for the Stats page, drawn on the server as inline SVG: no script, nothing
fetched. Each is an image with a name (role="img", a <title> it is labelled by, and a
<desc> saying what it shows in words); the page puts the same numbers in a table
beside it for whoever cannot see it. Everything written into the SVG is escaped."""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT = 720, 220
INK, BAR, GRID = "#1f2933", "#2b6cb0", "#cbd2d9"
SERIES = ("#2b6cb0", "#b7791f", "#9b2c2c")  # delivered, bounced, unsubscribed


def _open(ident: str, title: str, desc: str, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}"'
            f' width="100%" aria-labelledby="{ident}-title {ident}-desc" focusable="false">',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(desc)}</desc>']


def _label(d: dt.date) -> str:
    return f"{d.day} {d:%b}"


def daily_bars(ident: str, title: str, points: list[tuple[dt.date, int]]) -> str:
    """Views a day as bars, oldest on the left, with the highest value marked."""
    top = max((n for _, n in points), default=0)
    total = sum(n for _, n in points)
    desc = (f"{total} views over {len(points)} days, "
            f"{_label(points[0][0])} to {_label(points[-1][0])}; the most on one day: {top}."
            if points else "No days.")
    left, right, upper, lower = 44, 8, 12, 28
    plot_w, plot_h = WIDTH - left - right, HEIGHT - upper - lower
    parts = _open(ident, title, desc, HEIGHT)
    parts.append(f'<line x1="{left}" y1="{upper + plot_h}" x2="{WIDTH - right}" '
                 f'y2="{upper + plot_h}" stroke="{GRID}"/>')
    parts.append(f'<text x="{left - 6}" y="{upper + 4}" text-anchor="end" font-size="12" '
                 f'fill="{INK}">{top}</text>')
    parts.append(f'<text x="{left - 6}" y="{upper + plot_h}" text-anchor="end" font-size="12"'
                 f' fill="{INK}">0</text>')
    step = plot_w / max(len(points), 1)
    for i, (day, n) in enumerate(points):
        h = plot_h * n / top if top else 0
        x = left + i * step
        parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{upper + plot_h - h:.1f}" '
                     f'width="{step * 0.8:.1f}" height="{h:.1f}" fill="{BAR}">'
                     f'<title>{escape(_label(day))}: {n}</title></rect>')
    for i in sorted({0, len(points) // 2, len(points) - 1}) if points else []:
        x = left + (i + 0.5) * step
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12"'
                     f' fill="{INK}">{escape(_label(points[i][0]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def ranked_bars(ident: str, title: str, items: list[tuple[str, int]]) -> str:
    """One horizontal bar an item (a page, a host), longest first, labelled in full."""
    row, label_w = 26, 300
    height = max(row * len(items), row) + 8
    desc = "; ".join(f"{name}: {n}" for name, n in items) or "Nothing yet."
    top = max((n for _, n in items), default=0)
    parts = _open(ident, title, desc, height)
    bar_w = WIDTH - label_w - 60
    for i, (name, n) in enumerate(items):
        y = 4 + i * row
        short = name if len(name) <= 42 else name[:41] + "…"
        w = bar_w * n / top if top else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
                     f'fill="{INK}">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="13" '
                     f'fill="{INK}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(ident: str, title: str, rows: list[tuple[str, tuple[int, ...]]],
                 names: tuple[str, ...]) -> str:
    """One bar a row split into its parts (a send: delivered, bounced, unsubscribed),
    with a key to the colours."""
    row, label_w, key_h = 26, 300, 24
    height = key_h + max(row * len(rows), row) + 8
    desc = "; ".join(f"{label}: " + ", ".join(f"{v} {n}" for v, n in zip(values, names,
                                                                          strict=True))
                     for label, values in rows) or "Nothing yet."
    top = max((sum(v) for _, v in rows), default=0)
    parts = _open(ident, title, desc, height)
    x = label_w
    for name, colour in zip(names, SERIES, strict=False):
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="16" font-size="12" fill="{INK}">'
                     f'{escape(name)}</text>')
        x += 16 + 9 * len(name) + 16
    bar_w = WIDTH - label_w - 60
    for i, (label, values) in enumerate(rows):
        y = key_h + 4 + i * row
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
                     f'fill="{INK}">{escape(short)}</text>')
        x = float(label_w)
        for value, colour in zip(values, SERIES, strict=False):
            w = bar_w * value / top if top else 0
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                         f'fill="{colour}"/>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="13" fill="{INK}">'
                     f'{sum(values)}</text>')
    parts.append("</svg>")
    return "".join(parts)
