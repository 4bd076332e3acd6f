"""Checks on every uploaded file and every name a user types.

- The type of a file is decided by its CONTENT (libmagic, through python-magic, on the first
  few KB), never by its name or by the Content-Type the browser sent, and must be in the
  allow-list `settings.PORTAL_UPLOAD_ALLOWED_TYPES`. HTML, SVG, XML, scripts and programs are
  refused, also when they hide in a "text" file or behind an innocent extension.
- The extension of the stored name must agree with that type. A name without an extension
  gets the type's usual one ("scan" -> "scan.pdf"); a name whose extension says something
  else ("report.png" holding a PDF) is REFUSED with a message saying what the file really is,
  rather than silently renamed: the person uploading learns why, and nothing is stored under
  a name that lies about its content.
- Names are never trusted: `clean_name` strips directories, control and invisible
  characters, look-alikes, leading dots and reserved device names, and keeps the extension
  when shortening.
"""

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Bytes read from the start of an upload to decide its type.
SNIFF_BYTES = 8192
# Longest name (in characters) kept, extension included.
MAX_NAME = 200
# Longest suffix still treated as an extension when shortening a name.
MAX_EXTENSION = 16

# Usual extensions of each accepted type; the first is the one added to a bare name.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "image/heif": ("heif", "heic"),
    "image/tiff": ("tif", "tiff"),
    "audio/mpeg": ("mp3",),
    "audio/x-wav": ("wav",),
    "audio/wav": ("wav",),
    "audio/ogg": ("ogg", "oga", "opus"),
    "audio/flac": ("flac",),
    "audio/x-m4a": ("m4a",),
    "audio/mp4": ("m4a",),
    "video/mp4": ("mp4", "m4v"),
    "video/quicktime": ("mov", "qt"),
    "video/webm": ("webm",),
    "video/ogg": ("ogv", "ogg"),
    "text/plain": ("txt", "text", "md", "markdown", "log", "csv", "tsv"),
    "text/csv": ("csv", "txt", "tsv"),
    "text/rtf": ("rtf",),
    "application/rtf": ("rtf",),
    "application/zip": ("zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
}

# How a type is named in messages.
LABELS = {
    "application/pdf": gettext_lazy("a PDF document"),
    "image/png": gettext_lazy("a PNG image"),
    "image/jpeg": gettext_lazy("a JPEG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "image/webp": gettext_lazy("a WebP image"),
    "text/plain": gettext_lazy("a text file"),
    "text/csv": gettext_lazy("a CSV file"),
    "application/zip": gettext_lazy("a ZIP archive"),
    "text/html": gettext_lazy("an HTML page"),
    "application/xhtml+xml": gettext_lazy("an HTML page"),
    "image/svg+xml": gettext_lazy("an SVG image (which can run scripts)"),
    "text/xml": gettext_lazy("an XML file"),
    "application/xml": gettext_lazy("an XML file"),
    "application/javascript": gettext_lazy("a script"),
    "text/javascript": gettext_lazy("a script"),
    "text/x-shellscript": gettext_lazy("a script"),
    "application/x-dosexec": gettext_lazy("a program"),
    "application/x-executable": gettext_lazy("a program"),
    "application/x-sharedlib": gettext_lazy("a program"),
    "application/x-pie-executable": gettext_lazy("a program"),
    "application/x-mach-binary": gettext_lazy("a program"),
    "application/vnd.ms-word.document.macroenabled.12": gettext_lazy(
        "an Office document with macros"),
    "application/vnd.ms-excel.sheet.macroenabled.12": gettext_lazy(
        "an Office document with macros"),
    "application/vnd.ms-powerpoint.presentation.macroenabled.12": gettext_lazy(
        "an Office document with macros"),
}

# Legacy Office files are all OLE2 compound files; the container is checked by content and
# only one of these three names may be given to it.
OLE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
             "ppt": "application/vnd.ms-powerpoint"}
OLE_CONTAINERS = {"application/x-ole-storage", "application/cdfv2", "application/vnd.ms-office"}

# Office files with macros: told apart from the plain ones (and so refused by default).
MACRO_TYPES = {
    "word/": "application/vnd.ms-word.document.macroenabled.12",
    "xl/": "application/vnd.ms-excel.sheet.macroenabled.12",
    "ppt/": "application/vnd.ms-powerpoint.presentation.macroenabled.12",
}
OOXML_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# What a browser would take for HTML (or SVG/XML) at the start of a "text" file, after
# whitespace: the WHATWG MIME-sniffing patterns, plus <svg and <?xml.
_MARKUP = re.compile(
    rb"<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|svg|object|embed|meta|link|img|form|base)[\s>/]|<!--|<\?xml", re.IGNORECASE)

# Look-alikes of "/" and "\" that NFKC leaves alone.
_SLASHES = dict.fromkeys(map(ord, "\u2215\u2044\u29f8\u2571\u29f5\u29f9\u2572\u2216"), "/")
# Characters Windows forbids in names (and that have no business in a file name).
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int


# ------------------------------------------------------------------------------ names

def _split_extension(name):
    stem, ext = os.path.splitext(name)
    if not stem or len(ext) > MAX_EXTENSION + 1 or " " in ext:
        return name, ""
    return stem, ext


def clean_name(name, kind="file"):
    """A safe display name made from `name` (never trusted). Raises ValidationError when
    nothing usable is left. `kind` is "file" (the extension is kept when shortening) or
    "folder"."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.translate(_SLASHES)
    chars = []
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cc" or category in ("Zl", "Zp"):
            chars.append(" ")  # NUL, CR, LF, tabs...: a break, not a glue
        elif category[0] == "C":
            continue  # bidi overrides, zero-width and other invisible characters
        elif category == "Zs":
            chars.append(" ")
        else:
            chars.append(ch)
    name = "".join(chars).replace("\\", "/")
    # Only the last part of a path: "../../etc/passwd", "/abs/x", "C:\\dir\\x" -> "x".
    name = name.rsplit("/", 1)[-1]
    name = re.sub(r"^[A-Za-z]:", "", name)
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name)
    # No hidden files, no "..": leading dots go; trailing dots and spaces too (Windows).
    name = name.lstrip(". ").rstrip(". ")
    if kind == "file":
        stem, ext = _split_extension(name)
    else:
        stem, ext = name, ""
    stem = stem.rstrip() if ext else stem
    if _RESERVED.match(stem.rstrip(". ")):
        stem = f"_{stem}"
    if len(stem) + len(ext) > MAX_NAME:
        stem = stem[:MAX_NAME - len(ext)].rstrip(". ")
    name = f"{stem}{ext}"
    if not stem.strip() or not name.strip(". "):
        if kind == "folder":
            raise ValidationError(_("Please give the folder a name."), code="empty_name")
        raise ValidationError(_("Please give the file a name."), code="empty_name")
    return name


def display_name(name):
    """The name to show in a message about a file, without trusting it."""
    try:
        return clean_name(name)
    except ValidationError:
        return _("(unnamed file)")


# ------------------------------------------------------------------------------ sizes

def human_size(size):
    """1073741824 -> "1 GB", 1572864 -> "1.5 MB" (binary multiples, as file managers do)."""
    for unit, factor in ((_("GB"), 1024**3), (_("MB"), 1024**2), (_("KB"), 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0")
            return f"{value}\N{NO-BREAK SPACE}{unit}"
    return _("%d bytes") % size


def too_large_message(name, limit=None):
    limit = settings.PORTAL_UPLOAD_MAX_BYTES if limit is None else limit
    return _("“%(name)s” is larger than the %(limit)s limit.") % {
        "name": display_name(name), "limit": human_size(limit)}


# ------------------------------------------------------------------------------ types

def allowed_types():
    return {t.strip().lower() for t in settings.PORTAL_UPLOAD_ALLOWED_TYPES if t.strip()}


def extensions_for(content_type):
    import mimetypes

    known = EXTENSIONS.get(content_type)
    if known:
        return known
    return tuple(ext.lstrip(".") for ext in mimetypes.guess_all_extensions(content_type))


def label_for(content_type):
    label = LABELS.get(content_type)
    if label:
        return str(label)
    return _("a file of type %s") % content_type


def _looks_like_markup(head):
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):]
            if codec != "utf-8":
                head = head.decode(codec, "ignore").encode("utf-8", "ignore")
            break
    return bool(_MARKUP.match(head.lstrip()))


def _refine_zip(upload, sniffed):
    """Tell Office, OpenDocument and macro-enabled files from plain ZIPs by their table of
    contents (read from the end of the archive, not the whole file)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "ignore").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared.lower()
            if "[Content_Types].xml" in names:
                macros = any(n.lower().endswith("vbaproject.bin") for n in names)
                for prefix in OOXML_TYPES:
                    if any(n.startswith(prefix) for n in names):
                        return (MACRO_TYPES if macros else OOXML_TYPES)[prefix]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return sniffed
    finally:
        upload.seek(0)
    return "application/zip" if sniffed.startswith("application/vnd.") else sniffed


def sniff(upload, name=""):
    """The content type of `upload`, decided from its first bytes."""
    import magic

    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode("utf-8")
    content_type = magic.from_buffer(head, mime=True).lower()
    if content_type == "application/zip" or content_type.startswith(
            ("application/vnd.openxmlformats", "application/vnd.oasis")):
        content_type = _refine_zip(upload, content_type)
    elif content_type in OLE_CONTAINERS or content_type in OLE_TYPES.values():
        ext = _split_extension(name)[1].lstrip(".").lower()
        content_type = OLE_TYPES.get(ext, "application/x-ole-storage")
    if (content_type.startswith("text/") and content_type in allowed_types()
            and _looks_like_markup(head)):
        content_type = "text/html"
    return content_type


# ------------------------------------------------------------------------------ uploads

def _size_of(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def check_upload(upload, name=None):
    """Check an uploaded file; returns its cleaned name, sniffed type and size, or raises
    ValidationError with a message naming the file."""
    raw_name = name or getattr(upload, "name", "") or ""
    shown = display_name(raw_name)
    size = _size_of(upload)
    if not size:
        raise ValidationError(_("“%s” is empty (0 bytes).") % shown, code="empty")
    if size > settings.PORTAL_UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(raw_name), code="too_large")

    content_type = sniff(upload, raw_name)
    if content_type == "application/x-empty":
        raise ValidationError(_("“%s” is empty (0 bytes).") % shown, code="empty")
    if content_type not in allowed_types():
        raise ValidationError(
            _("“%(name)s” is %(what)s. This kind of file is not accepted.")
            % {"name": shown, "what": label_for(content_type)}, code="type")

    clean = clean_name(raw_name, kind="file")
    stem, ext = _split_extension(clean)
    accepted = extensions_for(content_type)
    if not ext:
        if accepted:
            clean = clean_name(f"{clean}.{accepted[0]}", kind="file")
    elif accepted and ext.lstrip(".").lower() not in accepted:
        raise ValidationError(
            _("“%(name)s” is %(what)s, but its name ends in “%(ext)s”. Rename it to end in "
              "“.%(expected)s” and upload it again.")
            % {"name": shown, "what": label_for(content_type), "ext": ext,
               "expected": accepted[0]}, code="extension")
    return Checked(clean, content_type, size)
