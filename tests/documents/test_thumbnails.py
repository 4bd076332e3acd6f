"""Thumbnails after an upload: PNGs of images and of the first page of PDFs; damaged or
hostile files get none, and the upload succeeds all the same."""

import io
import struct
import zlib

import pytest
from PIL import Image

from documents import services, tasks, thumbnails
from tests.samples import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(world):
    return services.create_folder(world.ws_a, "Pictures")


def add(folder, name, content, capture):
    """Upload as the portal does; the thumbnail task runs when the transaction commits."""
    with capture(execute=True):
        file = services.add_file(folder, upload(name, content))
    version = file.current_version
    version.refresh_from_db()
    return file, version


def thumbnail_image(version):
    with version.thumbnail.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    assert image.format == "PNG"
    return image


def test_png_gets_a_320_pixel_wide_thumbnail(folder, django_capture_on_commit_callbacks):
    file, version = add(folder, "chart.png", png_bytes((800, 600), (10, 120, 200)),
                        django_capture_on_commit_callbacks)
    image = thumbnail_image(version)
    assert image.size == (320, 240)
    assert image.convert("RGB").getpixel((160, 120)) == (10, 120, 200)
    assert version.thumbnail.name.startswith(f"ws{file.workspace_id}/thumbs/")


def test_jpeg_and_transparent_images(folder, django_capture_on_commit_callbacks):
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), (0, 200, 0)).save(out, "JPEG")
    _, version = add(folder, "photo.jpg", out.getvalue(), django_capture_on_commit_callbacks)
    assert thumbnail_image(version).size == (320, 160)
    out = io.BytesIO()
    Image.new("RGBA", (640, 640), (0, 0, 0, 0)).save(out, "PNG")
    _, version = add(folder, "logo.png", out.getvalue(), django_capture_on_commit_callbacks)
    image = thumbnail_image(version)
    assert image.size == (320, 320)
    assert image.convert("RGB").getpixel((5, 5)) == (255, 255, 255)  # on white


def test_pdf_gets_a_thumbnail_of_its_first_page(folder, django_capture_on_commit_callbacks):
    _, version = add(folder, "report.pdf", pdf_bytes(pages=3),
                     django_capture_on_commit_callbacks)
    image = thumbnail_image(version)
    # The sample's pages are 200 x 280 points: 320 pixels wide keeps the proportions.
    assert image.size == (320, 448)
    assert image.convert("RGB").getpixel((160, 224)) == (255, 255, 255)


def test_small_images_are_not_enlarged(folder, django_capture_on_commit_callbacks):
    _, version = add(folder, "icon.png", png_bytes((40, 30)),
                     django_capture_on_commit_callbacks)
    assert thumbnail_image(version).size == (40, 30)


def _png_header_only(width, height):
    """A valid PNG signature and header claiming `width` x `height`, then garbage."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"not zlib" * 50)


@pytest.mark.parametrize("name, content", [
    ("broken.png", _png_header_only(400, 300)),
    ("bomb.png", _png_header_only(100_000, 100_000)),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage " * 20),
    ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100),
])
def test_a_corrupt_file_gets_no_thumbnail_and_the_upload_succeeds(
        folder, django_capture_on_commit_callbacks, name, content):
    file, version = add(folder, name, content, django_capture_on_commit_callbacks)
    assert file.pk and version.size == len(content)
    assert not version.thumbnail
    with version.blob.open("rb") as fh:
        assert fh.read() == content


def test_damaged_images_stay_refused_after_weasyprint_is_imported(
        folder, django_capture_on_commit_callbacks):
    import weasyprint  # noqa: F401 - sets Pillow's LOAD_TRUNCATED_IMAGES on import
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    _, version = add(folder, "broken.png", _png_header_only(400, 300),
                     django_capture_on_commit_callbacks)
    assert not version.thumbnail
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it


def test_the_bomb_is_refused_before_decoding():
    with pytest.raises(thumbnails.ThumbnailError):
        thumbnails.image_thumbnail(io.BytesIO(_png_header_only(100_000, 100_000)))


def test_other_types_get_no_thumbnail(folder, django_capture_on_commit_callbacks):
    _, version = add(folder, "notes.txt", b"just some notes\n",
                     django_capture_on_commit_callbacks)
    assert version.content_type == "text/plain"
    assert not version.thumbnail


def test_task_survives_a_missing_blob_or_version(folder):
    file = services.add_file(folder, upload("chart.png", png_bytes((400, 300))))
    version = file.current_version
    version.blob.storage.delete(version.blob.name)
    assert tasks.make_thumbnail.call(version.pk) is False
    assert tasks.make_thumbnail.call(987654321) is False
