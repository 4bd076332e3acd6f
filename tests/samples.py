"""Real, small files of each kind, made on the fly (no binary fixtures in the repository)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(pages=1, text=None):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=280)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size=(40, 30), color=(200, 40, 40)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="report.pdf", **kwargs):
    return upload(name, pdf_bytes(**kwargs), "application/pdf")


def png_upload(name="photo.png", **kwargs):
    return upload(name, png_bytes(**kwargs), "image/png")
