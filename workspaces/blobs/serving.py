"""Handing private bytes to a user, after the caller has checked that they may have them.

Two kinds of bytes, one set of headers:

- `serve_blob` for a stored blob (a file version, a report PDF, a library document);
- `generated` for bytes the server makes on request (a PDF, a streamed zip).

`serve_blob` picks the way by the storage holding the blob:

- a local directory (FileSystemStorage): streamed by this process in 64 KB chunks (memory flat
  for any size), with single HTTP ranges (`bytes=a-b`, `bytes=a-`, `bytes=-n`: 206, or 416
  when unsatisfiable), a strong ETag (blobs never change: a new version is a new blob) and
  304 on If-None-Match;
- the same directory behind nginx when `settings.PORTAL_X_ACCEL_REDIRECT` is a prefix such as
  "/_private/": an empty response whose `X-Accel-Redirect` header tells nginx which file to
  send (nginx then does ranges and the sending; this process only decided who may);
- S3 (django-storages' S3Storage): a redirect to a presigned URL that lives
  `settings.PORTAL_PRESIGNED_SECONDS`, naming the Content-Type and Content-Disposition S3 must
  answer with.

Every answer says `X-Content-Type-Options: nosniff`, `Cache-Control: private`, a restrictive
sandboxing Content-Security-Policy, and a Content-Disposition built from a cleaned name
(RFC 6266/5987: ASCII fallback and UTF-8 `filename*`). Only an allow-list of passive types
(PDF, raster images, audio, video) may open inline; everything else, HTML and SVG first, is
always an attachment. The type served is the one sniffed from the content at upload.
`generated` answers with the same headers (and `Cache-Control: private, no-store`: what is
made per request is never kept).
"""

import hashlib
import os
import re
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import parse_etags

from .storage import is_s3

CHUNK = 64 * 1024

# Passive types a browser may display itself. No HTML, SVG, XML or script, whatever asks.
INLINE_TYPES = {
    "application/pdf",
    "image/png", "image/jpeg", "image/gif", "image/webp",
    "audio/mpeg", "audio/ogg", "audio/wav", "audio/x-wav", "audio/flac", "audio/mp4",
    "audio/x-m4a", "audio/webm",
    "video/mp4", "video/webm", "video/ogg", "video/quicktime",
}

# What a file opened in the browser may do: show itself, nothing else. `sandbox` without
# flags gives it a unique origin, no scripts, no forms, no plugins of its own; the sources
# below only let the browser's own image, media and PDF viewers draw it (Chromium shows
# PDFs, images and media under these policies, top level and framed: tests/documents/
# test_serving.py checks it). Attachments get nothing at all.
CSP_INLINE = ("default-src 'none'; img-src 'self' data: blob:; media-src 'self' blob:; "
              "style-src 'unsafe-inline'; object-src 'self'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'self'; sandbox")
# Chromium's media player fetches the file again from the document's origin, which a bare
# `sandbox` makes opaque ("null": refused by CORS). Audio and video keep their origin: with
# no `allow-scripts`, nothing can run in it either way.
CSP_MEDIA = CSP_INLINE + " allow-same-origin"
CSP_ATTACHMENT = ("default-src 'none'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'none'; sandbox")

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def wants_inline(content_type):
    """May a file of this (sniffed) type open in the browser rather than download?"""
    return (content_type or "").split(";")[0].strip().lower() in INLINE_TYPES


# ------------------------------------------------------------------------------ headers

def _ascii(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 !#$&+,.;=@^_`{}~()\[\]'-]", "_", text)


def _ascii_fallback(filename):
    stem, ext = os.path.splitext(filename)
    stem, ext = _ascii(stem).strip().lstrip("."), _ascii(ext)
    if not stem.strip("_ "):
        stem = "download"
    return stem + (ext if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", ext) else "")


def content_disposition(filename, inline=False):
    """`attachment; filename="..."; filename*=UTF-8''...`, safe whatever `filename` holds."""
    name = "".join(ch for ch in str(filename or "")
                   if unicodedata.category(ch)[0] != "C").replace("/", "_").replace("\\", "_")
    name = name.strip() or "download"
    disposition = "inline" if inline else "attachment"
    fallback = _ascii_fallback(name)
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _security_headers(response, content_type, inline):
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        csp = CSP_ATTACHMENT
    elif content_type.startswith(("audio/", "video/")):
        csp = CSP_MEDIA
    else:
        csp = CSP_INLINE
    response["Content-Security-Policy"] = csp
    # Inline files may be framed by the portal's own preview; attachments by nobody.
    response["X-Frame-Options"] = "SAMEORIGIN" if inline else "DENY"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _etag(fieldfile, size):
    digest = hashlib.sha256(f"{fieldfile.name}:{size}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _parse_range(header, size):
    """(start, end) inclusive for a satisfiable single range, "unsatisfiable", or None to
    send the whole file (no header, a syntax we ignore, several ranges)."""
    match = _RANGE.match((header or "").strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    start = int(first)
    end = size - 1 if last == "" else int(last)
    if last != "" and end < start:
        return None  # syntactically invalid: ignored, as RFC 9110 says
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


# ------------------------------------------------------------------------------ bodies

class _Slice:
    """Iterates `length` bytes of `fh` from `start` in chunks; closes the file when done or
    when the response is closed (client gone)."""

    def __init__(self, fh, start, length):
        self.fh, self.start, self.remaining = fh, start, length

    def __iter__(self):
        try:
            self.fh.seek(self.start)
            while self.remaining > 0:
                chunk = self.fh.read(min(CHUNK, self.remaining))
                if not chunk:
                    break
                self.remaining -= len(chunk)
                yield chunk
        finally:
            self.close()

    def close(self):
        self.fh.close()


def _serve_s3(request, storage, name, filename, content_type, inline):
    if not storage.querystring_auth or (storage.custom_domain and not storage.cloudfront_signer):
        # An unsigned URL would open the object to anyone who gets the link.
        raise ImproperlyConfigured("The private storage must sign its URLs (querystring_auth "
                                   "on, no unsigned custom_domain).")
    url = storage.url(name, parameters={
        "ResponseContentDisposition": content_disposition(filename, inline),
        "ResponseContentType": content_type,
        "ResponseCacheControl": "private, max-age=0",
    }, expire=settings.PORTAL_PRESIGNED_SECONDS)
    response = HttpResponseRedirect(url)
    _security_headers(response, content_type, inline)
    response["Cache-Control"] = "private, no-store"
    return response


def _serve_accel(storage, name, filename, content_type, inline):
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = settings.PORTAL_X_ACCEL_REDIRECT.rstrip("/") + "/" + quote(
        name.replace(os.sep, "/").lstrip("/"), safe="/")
    response["Content-Disposition"] = content_disposition(filename, inline)
    return _security_headers(response, content_type, inline)


def _normalise(content_type, inline):
    content_type = (content_type or "application/octet-stream").split(";")[0].strip().lower()
    return content_type, bool(inline) and wants_inline(content_type)


def generated(content, filename, content_type, inline=False):
    """The response that hands bytes made for this request (a PDF, a zip) to the user as
    `filename`: `content` is bytes, or an iterable of byte chunks to stream (a zip built
    while it is sent). The caller has already checked that the user may have them."""
    content_type, inline = _normalise(content_type, inline)
    if isinstance(content, (bytes, bytearray, memoryview)):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline)
    _security_headers(response, content_type, inline)
    response["Cache-Control"] = "private, no-store"
    return response


def serve_blob(request, fieldfile, filename, content_type, inline=False):
    """The response that hands `fieldfile` to the user as `filename` (`content_type` is the
    type sniffed at upload). The caller has already checked that the user may have it."""
    content_type, inline = _normalise(content_type, inline)
    storage, name = fieldfile.storage, fieldfile.name

    if is_s3(storage):
        return _serve_s3(request, storage, name, filename, content_type, inline)
    if settings.PORTAL_X_ACCEL_REDIRECT and isinstance(storage, FileSystemStorage):
        return _serve_accel(storage, name, filename, content_type, inline)

    size = storage.size(name)
    etag = _etag(fieldfile, size)
    if request.method in ("GET", "HEAD") and etag in parse_etags(
            request.META.get("HTTP_IF_NONE_MATCH", "")):
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return _security_headers(response, content_type, inline)

    wanted = _parse_range(request.META.get("HTTP_RANGE"), size)
    if_range = request.META.get("HTTP_IF_RANGE")
    if wanted is not None and if_range and if_range.strip() != etag:
        wanted = None  # the client's copy is not this one: send it whole
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return _security_headers(response, content_type, inline)

    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _Slice(storage.open(name, "rb"), start, length), content_type=content_type)
    if wanted:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = content_disposition(filename, inline)
    return _security_headers(response, content_type, inline)
