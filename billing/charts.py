"""Small inline SVG bar charts for PDFs, drawn in Python (no JavaScript, no library).

Every text that reaches the SVG (titles, labels, legends) is escaped; colours must be
`#rrggbb` (anything else falls back to a neutral grey), so nothing a user typed can become
markup. The charts are plain rectangles and text, cheap for WeasyPrint to lay out.

`bar_chart` draws one series (files added per day); `grouped_bar_chart` draws several side by
side per category (amounts invoiced and paid per week).
"""

import re
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK = "#6b7280"
AXIS = "#9ca3af"
GRID = "#e5e7eb"
INK = "#374151"
FONT = 'font-family="Portal Sans, sans-serif"'


def colour(value):
    return value if isinstance(value, str) and _HEX.match(value) else FALLBACK


def nice_max(value):
    """The top of the axis: 1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(1).scaleb(value.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        top = magnitude * step
        if top >= value:
            return top
    return magnitude * 10  # pragma: no cover (the loop always returns)


def _number(value):
    """An axis label: no exponent, no trailing zeros, thousands separated by thin spaces."""
    value = Decimal(value).normalize()
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u202f")


def _frame(width, height, title, body, legend=""):
    title_svg = (f'<text x="0" y="11" font-size="10" font-weight="bold" fill="{INK}" {FONT}>'
                 f"{escape(title)}</text>") if title else ""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">{title_svg}{legend}{body}</svg>')


def _axes(left, top, plot_w, plot_h, top_value, unit=""):
    """Horizontal grid lines with their values on the left (0, half, top)."""
    parts = []
    for fraction in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = top + plot_h - float(fraction) * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{GRID if fraction else AXIS}" stroke-width="0.6"/>')
        label = _number(top_value * fraction) + (f" {unit}" if unit and fraction else "")
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="7" text-anchor="end" '
                     f'fill="{INK}" {FONT}>{escape(label)}</text>')
    return "".join(parts)


def _label_every(count, plot_w, min_gap=18):
    """Show every n-th category label so labels never overlap."""
    if count <= 0:
        return 1
    step = 1
    while plot_w / count * step < min_gap:
        step += 1
    return step


def bar_chart(labels, values, *, title="", colour_hex=None, width=480, height=150, unit=""):
    """One bar per label. `values` are numbers (int or Decimal), never negative."""
    values = [max(Decimal(v), Decimal(0)) for v in values]
    left, top, bottom = 44, 22, 18
    plot_w, plot_h = width - left - 6, height - top - bottom
    top_value = nice_max(max(values, default=0))
    fill = colour(colour_hex)
    count = len(values)
    slot = plot_w / max(count, 1)
    bar_w = max(slot * 0.7, 1)
    every = _label_every(count, plot_w)
    parts = [_axes(left, top, plot_w, plot_h, top_value, unit)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + (slot - bar_w) / 2
        bar_h = float(value / top_value) * plot_h
        if bar_h > 0:
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
                         f'width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{fill}"/>')
        if index % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 10}" font-size="7" '
                         f'text-anchor="middle" fill="{INK}" {FONT}>{escape(label)}</text>')
    return _frame(width, height, title, "".join(parts))


def grouped_bar_chart(categories, series, *, title="", width=480, height=160, unit=""):
    """Bars side by side per category. `series` is a list of (name, colour, values)."""
    left, top, bottom = 56, 34, 18
    plot_w, plot_h = width - left - 6, height - top - bottom
    cleaned = [(name, colour(hex_), [max(Decimal(v), Decimal(0)) for v in values])
               for name, hex_, values in series]
    top_value = nice_max(max((v for _n, _c, vs in cleaned for v in vs), default=0))
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.7 / max(len(cleaned), 1)
    legend, x = [], 0
    for name, fill, _values in cleaned:
        legend.append(f'<rect x="{x}" y="17" width="8" height="8" fill="{fill}"/>'
                      f'<text x="{x + 11}" y="24.5" font-size="7.5" fill="{INK}" {FONT}>'
                      f"{escape(name)}</text>")
        x += 16 + 5.2 * len(str(name))
    parts = [_axes(left, top, plot_w, plot_h, top_value, unit)]
    for index, category in enumerate(categories):
        start = left + index * slot + slot * 0.15
        for number, (_name, fill, values) in enumerate(cleaned):
            value = values[index]
            bar_h = float(value / top_value) * plot_h
            if bar_h > 0:
                parts.append(f'<rect x="{start + number * bar_w:.1f}" '
                             f'y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                             f'height="{bar_h:.1f}" fill="{fill}"/>')
        parts.append(f'<text x="{left + index * slot + slot / 2:.1f}" y="{top + plot_h + 10}" '
                     f'font-size="7" text-anchor="middle" fill="{INK}" {FONT}>'
                     f"{escape(category)}</text>")
    return _frame(width, height, title, "".join(parts), "".join(legend))
