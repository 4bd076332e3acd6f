"""Colour helpers so that any brand colour stays readable (WCAG contrast)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_hex_color(value):
    if not HEX.match(value or ""):
        raise ValidationError(_("Enter a colour as # and six hex digits, for example #1f4e79."))


def _luminance(hex_color):
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(background):
    """White or near-black, whichever contrasts more with the background."""
    if not HEX.match(background or ""):
        return "#ffffff"
    dark = "#111827"
    return "#ffffff" if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, dark) \
        else dark
