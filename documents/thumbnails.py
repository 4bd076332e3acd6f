"""Thumbnails: a small PNG for raster images and for the first page of PDFs.

Run from the `make_thumbnail` task after an upload. Untrusted input, so: the pixel count is
checked from the header before any decoding (a "decompression bomb" of a few KB could
otherwise ask for gigabytes), the rendered size is bounded, every failure is caught and
means "no thumbnail", and nothing here can break the upload it follows.
"""

import io
import logging
import threading
import warnings
from contextlib import contextmanager

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)

WIDTH = 320
# Very tall images and pages are narrowed so the thumbnail stays within this height.
MAX_HEIGHT = 4 * WIDTH
# Largest image (in pixels) we agree to decode; a 50-megapixel photo passes.
MAX_PIXELS = 60_000_000
# Largest PDF page (points, 1/72 inch) rendered; A0 is 2384 x 3370.
MAX_PAGE_POINTS = 14_400

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff",
               "image/bmp"}
PDF_TYPES = {"application/pdf"}

_decoding = threading.Lock()


class ThumbnailError(Exception):
    pass


def can_thumbnail(content_type):
    return content_type in IMAGE_TYPES or content_type in PDF_TYPES


def _target_size(width, height, enlarge=False):
    if width <= 0 or height <= 0:
        raise ThumbnailError("empty picture")
    scale = min(WIDTH / width, MAX_HEIGHT / height)
    if not enlarge:
        scale = min(scale, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _png(image):
    from PIL import Image

    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P"
                              else "RGB")
    if image.mode == "RGBA":
        # Flatten transparency on white: thumbnails sit on light cards.
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@contextmanager
def _strict_decoding():
    """Damaged images fail instead of decoding half-grey. Pillow's switch for that is a
    module global which WeasyPrint turns off at import (to draw what it can of a truncated
    image in a PDF); it is turned on for the decoding only, one thumbnail at a time."""
    from PIL import ImageFile

    with _decoding:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def image_thumbnail(fh):
    """PNG bytes of a thumbnail of the raster image in `fh`."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings(), _strict_decoding():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fh)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ThumbnailError(str(exc)) from exc
        with image:
            width, height = image.size  # from the header: nothing decoded yet
            if width * height > MAX_PIXELS:
                raise ThumbnailError(f"image too large to decode ({width}x{height})")
            target = _target_size(width, height)
            image.draft("RGB", target)  # JPEG: decode at a reduced scale
            image.seek(0)  # first frame of an animation
            image = ImageOps.exif_transpose(image)
            image.thumbnail((WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
            return _png(image)


def pdf_thumbnail(fh):
    """PNG bytes of a thumbnail of the first page of the PDF in `fh`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(fh)
    try:
        if len(document) == 0:
            raise ThumbnailError("PDF without pages")
        page = document[0]
        try:
            width, height = page.get_size()
            if not (0 < width <= MAX_PAGE_POINTS and 0 < height <= MAX_PAGE_POINTS):
                raise ThumbnailError(f"unusual page size {width}x{height}")
            target_width, _ = _target_size(width, height, enlarge=True)  # vector: sharp
            bitmap = page.render(scale=target_width / width, may_draw_forms=False)
            try:
                image = bitmap.to_pil()
                return _png(image)
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()


def render(fh, content_type):
    """PNG bytes for a thumbnail of `fh`, or None (type without thumbnails, or any
    failure: a damaged, encrypted or hostile file)."""
    try:
        if content_type in IMAGE_TYPES:
            return image_thumbnail(fh)
        if content_type in PDF_TYPES:
            return pdf_thumbnail(fh)
    except Exception as exc:  # any decoder error means: no thumbnail
        logger.info("No thumbnail (%s): %s", content_type, exc)
    return None


def make_for_version(version):
    """Render and save `version.thumbnail`. Returns True when one was made."""
    if not can_thumbnail(version.content_type) or not version.blob:
        return False
    try:
        with version.blob.storage.open(version.blob.name, "rb") as fh:
            png = render(fh, version.content_type)
    except OSError as exc:
        logger.warning("No thumbnail for version %s: %s", version.pk, exc)
        return False
    if png is None:
        return False
    old = version.thumbnail.name if version.thumbnail else None
    version.thumbnail.save("thumbnail.png", ContentFile(png), save=False)
    type(version).objects.filter(pk=version.pk).update(thumbnail=version.thumbnail.name)
    if old:
        version.thumbnail.storage.delete(old)
    return True
