"""Serving private blobs, after the access check has been made by the caller.

First cut: a plain FileResponse. To be replaced by range requests, X-Accel-Redirect and S3
presigned URLs.
"""

from django.http import FileResponse

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def wants_inline(content_type):
    """May a file of this (sniffed) type open in the browser rather than download?"""
    return content_type in INLINE_TYPES or content_type.split("/")[0] in {"audio", "video"}


def serve_blob(request, fieldfile, filename, content_type, inline=False):
    """The response that hands `fieldfile` to the user as `filename`."""
    inline = inline and wants_inline(content_type)
    response = FileResponse(fieldfile.open("rb"), as_attachment=not inline, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
